/*
 * Rolling replacement on real parts: the reconciler renders and applies the pool to a real
 * kube-apiserver, the fleet simulator plays KubeVirt's VMIRS (which never rolls existing VMIs)
 * and gitlab-runner in every VM (graceful SIGQUIT drain on VM shutdown), the GitLab emulator
 * holds runners, managers and jobs, and the rollout state lives in the plugin's database.
 * Replicas stay where the product seeds them (no KEDA here), as with a pool at its bounds.
 */
import { LABELS } from '@runner-fleet/plugin-runners-common';
import { RolloutRecord } from '../database/RolloutStore';
import { eventually } from '../__testUtils__/stack';
import { PROJECT, useRolloutStack, Vmi } from './__testUtils__/rolloutStack';

const { startStack, emulator, simulator } = useRolloutStack();

const hashOf = (vmi: Vmi) => vmi.metadata.labels[LABELS.templateHash];
const done = (r: RolloutRecord | undefined) =>
  r?.phase === 'stable' && r.reason !== 'UpToDate';

describe('rolling replacement of a pool', () => {
  it('replaces every VM of a busy pool after a flavor change, idle VMs first, without killing a job or dropping below its replicas', async () => {
    const stack = await startStack({ replicas: 3 });
    const before = await stack.listVmis();
    expect(before).toHaveLength(3);
    const oldHash = hashOf(before[0]);

    // Two long jobs on a three-VM pool: two busy VMs (one job each), one idle.
    const { jobs } = await emulator().control.enqueueJobs({
      project: PROJECT,
      tags: ['docker'],
      durationSeconds: 1200,
      count: 2,
    });
    await eventually(
      'both jobs running',
      () => emulator().control.jobs({}),
      all =>
        jobs.every(j => all.find(a => a.id === j.id)?.status === 'running'),
      30_000,
    );

    await stack.changeFlavor('m1.xlarge');
    let fewest = Infinity;
    const final = await stack.until(
      'the rollout complete',
      stack.rollout,
      done,
      90_000,
      async () => {
        // Old VMs that drain still run their jobs: they count until they are gone.
        fewest = Math.min(fewest, (await stack.listVmis()).length);
      },
    );
    expect(final).toMatchObject({ reason: 'Complete', replaced: 3 });

    const after = await stack.listVmis();
    expect(after).toHaveLength(3);
    for (const vmi of after) {
      expect(hashOf(vmi)).not.toBe(oldHash);
      expect(vmi.metadata.labels[LABELS.flavor]).toBe('m1.xlarge');
    }
    // The VMIRS replaced each retired VM at once: never fewer than 3 VMs running or finishing jobs.
    expect(fewest).toBe(3);
    // No job was cut: both finished successfully on their draining VMs.
    const all = await emulator().control.jobs({});
    for (const job of jobs) {
      expect(all.find(a => a.id === job.id)).toMatchObject({
        status: 'success',
      });
    }
    const events = simulator().events();
    expect(events.filter(e => e.type === 'runner-jobs-cut')).toEqual([]);
    // Idle first: the first VM to shut down ran no job.
    const firstDrain = events.find(e => e.type === 'runner-draining')!;
    expect(firstDrain.message).toMatch(/^draining: 0 job\(s\) running/);

    const timeline = await stack.store.listEvents(stack.pool.id, {
      limit: 50,
    });
    const reasons = timeline.map(e => e.reason);
    expect(reasons.some(r => r.startsWith('rollout started: 3 VMs of 3'))).toBe(
      true,
    );
    expect(reasons.some(r => r.startsWith('rollout complete'))).toBe(true);
    // Replacements booting is the rollout at work, not a degraded pool.
    expect(timeline.filter(e => e.state === 'degraded')).toEqual([]);

    // Idempotent afterwards: another pass writes nothing to the rollout.
    await stack.pass();
    expect((await stack.rollout())!.version).toBe(final!.version);
  }, 150_000);

  it('rolls a pool at zero replicas instantly', async () => {
    const stack = await startStack({ replicas: 0, scaleToZero: true });
    await stack.scaleTo(0);
    await eventually('no VMs', stack.listVmis, v => v.length === 0, 30_000);
    await stack.changeFlavor('m1.xlarge');
    await stack.pass();
    expect(await stack.rollout()).toMatchObject({
      phase: 'stable',
      reason: 'Instant',
    });
  }, 60_000);

  it('halts with a reason when new VMs do not boot in time, keeps the old VMs serving, and an abort returns to the old template', async () => {
    const stack = await startStack({ replicas: 2, rolloutDeadlineMs: 2_000 });
    const oldHash = hashOf((await stack.listVmis())[0]);
    await stack.changeFlavor('m1.broken');
    const halted = await stack.until(
      'the rollout halted',
      stack.rollout,
      r => r?.phase === 'halted',
      30_000,
    );
    expect(halted!.reason).toBe('NewVmsNotRegistered');
    expect(halted!.message).toMatch(/did not register with GitLab within/);
    // Only the first surge-sized step was taken: one old VM left, still serving.
    const vmis = (await stack.listVmis()).filter(
      v => !v.metadata.deletionTimestamp,
    );
    expect(vmis.filter(v => hashOf(v) === oldHash)).toHaveLength(1);
    expect(vmis.filter(v => v.status?.phase === 'Scheduling')).toHaveLength(1);

    await stack.abort();
    const aborted = await stack.until(
      'the abort complete',
      stack.rollout,
      done,
      60_000,
    );
    expect(aborted).toMatchObject({ reason: 'Aborted', phase: 'stable' });
    const back = (await stack.listVmis()).filter(
      v => !v.metadata.deletionTimestamp,
    );
    expect(back).toHaveLength(2);
    expect(back.every(v => hashOf(v) === oldHash)).toBe(true);
    expect((await stack.store.getPool(stack.pool.id))!.spec.flavor).toBe(
      'm1.large',
    );
  }, 120_000);

  it('resumes a rollout after a backend restart mid-way', async () => {
    const stack = await startStack({ replicas: 3 });
    const oldHash = hashOf((await stack.listVmis())[0]);
    await stack.changeFlavor('m1.xlarge');
    await stack.until(
      'the rollout under way',
      stack.rollout,
      r => r?.phase === 'rolling' && r.replaced >= 1,
      30_000,
    );
    const mid = (await stack.rollout())!;
    stack.restart();
    const final = await stack.until(
      'the rollout complete',
      stack.rollout,
      done,
      90_000,
    );
    expect(final).toMatchObject({ reason: 'Complete' });
    expect(final!.startedAt).toBe(mid.startedAt);
    expect((await stack.listVmis()).every(v => hashOf(v) !== oldHash)).toBe(
      true,
    );
  }, 150_000);
});
