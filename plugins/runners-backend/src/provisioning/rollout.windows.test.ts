/*
 * A Windows pool's rollout on real parts (see rollout.test.ts): the simulator plays KubeVirt's
 * VirtualMachinePool with `updateStrategy: unmanaged` (a template change touches no VM), CDI's
 * per-VM clone of the golden image, and Windows, whose specialize pass (config.toml and the
 * runner's registration) runs once per disk. So a change only reaches a Windows VM through a
 * fresh clone: the rollout replaces VMs, it never restarts them.
 */
import { LABELS } from '@runner-fleet/plugin-runners-common';
import { RolloutRecord } from '../database/RolloutStore';
import { eventually } from '../__testUtils__/stack';
import { PROJECT, useRolloutStack, Vmi } from './__testUtils__/rolloutStack';

const { startStack, emulator, simulator } = useRolloutStack();

const hashOf = (vmi: Vmi) => vmi.metadata.labels[LABELS.templateHash];
const serving = (vmi: Vmi) =>
  !vmi.metadata.deletionTimestamp && vmi.status?.phase === 'Running';

it('replaces the VMs of a busy Windows pool one by one with fresh clones, without killing a job', async () => {
  const replicas = 3;
  const stack = await startStack({ replicas, os: 'windows' });
  const before = await stack.listVmis();
  expect(before).toHaveLength(replicas);
  const oldHash = hashOf(before[0]);
  const oldDisks = new Set(
    (await stack.listDataVolumes()).map(dv => dv.metadata.uid),
  );
  expect(oldDisks.size).toBe(replicas);

  // One long job: one busy VM, two idle.
  const { jobs } = await emulator().control.enqueueJobs({
    project: PROJECT,
    tags: ['windows'],
    durationSeconds: 1200,
    count: 1,
  });
  await eventually(
    'the job running',
    () => emulator().control.jobs({}),
    all => all.find(a => a.id === jobs[0].id)?.status === 'running',
    30_000,
  );

  await stack.changeFlavor('win.test.large');
  let mostAway = 0;
  const final = await stack.until(
    'the rollout complete',
    stack.rollout,
    (r: RolloutRecord | undefined) =>
      r?.phase === 'stable' && r.reason !== 'UpToDate',
    120_000,
    async () => {
      // VMs not serving: being drained, deleted, re-cloned or booting.
      const vmis = await stack.listVmis();
      mostAway = Math.max(mostAway, replicas - vmis.filter(serving).length);
    },
  );
  expect(final).toMatchObject({ reason: 'Complete', replaced: replicas });
  // One at a time: never more than one VM of the pool out of service.
  expect(mostAway).toBe(1);

  // Complete once no old VM is left; the last fresh clone may still be booting, and its
  // runner registers a moment after the VM runs.
  const registered = (vmi: Vmi) =>
    !!vmi.metadata.annotations?.['fleet-simulator/runner']?.startsWith(
      'registered',
    );
  const after = await eventually(
    'every VM serving with its runner registered',
    stack.listVmis,
    vmis =>
      vmis.length === replicas &&
      vmis.every(vmi => serving(vmi) && registered(vmi)),
    30_000,
  );
  for (const vmi of after) {
    expect(hashOf(vmi)).not.toBe(oldHash);
    expect(vmi.metadata.labels[LABELS.flavor]).toBe('win.test.large');
  }
  // Every VM boots a fresh clone of the golden image, none its old disk…
  const disks = await stack.listDataVolumes();
  expect(disks).toHaveLength(replicas);
  expect(disks.filter(dv => oldDisks.has(dv.metadata.uid))).toEqual([]);
  // …so Windows specialised each one again: its runner reads the new config.toml (the new
  // flavor's job slots), which a restart on the old disk would never have read.
  const slots = stack.config.catalog.flavors.find(
    f => f.name === 'win.test.large',
  )!.jobSlots;
  for (const vmi of after) {
    expect(vmi.metadata.annotations?.['fleet-simulator/runner']).toContain(
      `(concurrent ${slots})`,
    );
  }

  // The job finished on its draining VM; none was cut.
  const all = await emulator().control.jobs({});
  expect(all.find(a => a.id === jobs[0].id)).toMatchObject({
    status: 'success',
  });
  expect(
    simulator()
      .events()
      .filter(e => e.type === 'runner-jobs-cut'),
  ).toEqual([]);
}, 180_000);
