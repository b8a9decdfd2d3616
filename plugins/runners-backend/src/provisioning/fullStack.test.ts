/*
 * The whole provisioning path on real parts: the reconciler writes to a real kube-apiserver
 * with the upstream CRDs, the fleet simulator plays KubeVirt, KEDA and gitlab-runner on what it
 * wrote, gitlab-runner registers with the GitLab emulator using the token from our cloud-init,
 * KEDA scales on the product's own scaling signal, and the fleet cache and CI poller see it all.
 */
import { eventually, insertTestPool } from '../__testUtils__/stack';
import { vmiRunnerSystemId } from './render';
import { useFullStack } from './__testUtils__/fullStack';

const { startStack, emulator } = useFullStack();

it('a Linux pool boots in the simulator, registers with our token, reaches ready and scales on demand', async () => {
  const { store, config, reconciler, fleet, team, simLog } = await startStack();
  // m1.large: 2 job slots per VM.
  const pool = await insertTestPool(store, config, {
    team,
    autoscaling: { minReplicas: 2, maxReplicas: 4 },
    tags: ['docker'],
  });

  const pass = async () => {
    await fleet.refresh();
    await reconciler.reconcile(pool.id);
    return (await store.getPool(pool.id))!;
  };
  const ready = await eventually(
    'pool ready',
    pass,
    p => p.state === 'ready',
  ).catch(e => {
    throw new Error(
      `${e.message}\nsimulator:\n${simLog.slice(-40).join('\n')}`,
    );
  });
  expect(ready.stateCode).toBe('Ready');
  expect(ready.stateReason).toMatch(/^[2-4] of [2-4] VMs ready/);

  // Every VM's runner registered with GitLab using the token our cloud-init carries.
  const managers = async () =>
    (await emulator().control.runners()).find(
      r => r.id === ready.gitlabRunnerId,
    )?.managers ?? [];
  const registered = await eventually(
    '2 managers',
    managers,
    m => m.length >= 2,
  );
  // Paired by the system_id the simulated gitlab-runner read from the .runner_system_id our
  // cloud-init script wrote (a missing or wrong file gives a random r_ id and fails here).
  const vmIds = fleet
    .vmisOf(pool.id)
    .map(v => vmiRunnerSystemId(v.vmi, 'linux'));
  expect(registered.map(m => m.systemId).every(s => vmIds.includes(s))).toBe(
    true,
  );
  await fleet.refresh();
  const paired = (await fleet.poolDetail(ready, [])).vms.filter(
    vm => vm.manager,
  );
  expect(paired.length).toBeGreaterThanOrEqual(2);

  // Demand: 8 pending docker jobs → KEDA (simulated, reading our signal) scales to the maximum.
  await emulator().control.enqueueJobs({
    project: 'engineering/payments/payment-gateway',
    count: 8,
    tags: ['docker'],
    durationSeconds: 3600,
  });
  const health = await eventually(
    'scaled to 4',
    async () => {
      await pass();
      return fleet.poolHealth((await store.getPool(pool.id))!);
    },
    h => h.replicas.desired === 4 && h.replicas.ready === 4,
  );
  expect(health.utilization.busySlots).toBeGreaterThan(0);
  expect(health.bootSeconds.samples).toBeGreaterThanOrEqual(2);
}, 120_000);

it('deleting a pool with a running job drains it: the job finishes with success, then the VMs and the runner go', async () => {
  const { store, config, reconciler, fleet, team } = await startStack();
  const pool = await insertTestPool(store, config, {
    team,
    autoscaling: { minReplicas: 1, maxReplicas: 1 },
    tags: ['docker'],
  });
  await eventually(
    'pool ready',
    async () => {
      await fleet.refresh();
      await reconciler.reconcile(pool.id);
      return (await store.getPool(pool.id))!;
    },
    p => p.state === 'ready',
    60_000,
  );
  const runnerId = (await store.getPool(pool.id))!.gitlabRunnerId!;
  // 20 simulated minutes: 6 s at time scale 200.
  const { jobs } = await emulator().control.enqueueJobs({
    project: 'engineering/payments/payment-gateway',
    tags: ['docker'],
    durationSeconds: 1200,
  });
  const jobOf = async () =>
    (await emulator().control.jobs({ runnerId })).find(
      j => j.id === jobs[0].id,
    );
  await eventually('job running', jobOf, j => j?.status === 'running', 30_000);

  // The user deletes the pool while the job runs.
  const current = (await store.getPool(pool.id))!;
  await store.updatePool(
    pool.id,
    current.version,
    { deleteRequested: { force: false } },
    {
      state: 'deleting',
      reason: 'test',
      code: 'Draining',
      actor: 'user:default/test',
    },
  );
  const draining = await reconciler.reconcile(pool.id);
  expect(draining).toMatchObject({ state: 'deleting' });
  expect(draining!.requeueAfterMs).toBeGreaterThan(0);
  const stored = (await store.getPool(pool.id))!;
  expect(stored.stateCode).toBe('Draining');
  expect(stored.stateReason).toContain('waiting for 1 running job');
  expect(stored.stateReason).toContain(`#${jobs[0].id}`);
  // Paused: GitLab hands it no new job, and its VM still runs.
  const runner = (await emulator().control.runners()).find(
    r => r.id === runnerId,
  );
  expect(runner?.active).toBe(false);
  expect(fleet.vmisOf(pool.id).length).toBeGreaterThan(0);

  const finished = await eventually(
    'job finished',
    jobOf,
    j => j?.status !== 'running',
    60_000,
  );
  expect(finished?.status).toBe('success');
  const done = await reconciler.reconcile(pool.id);
  expect(done).toMatchObject({ state: 'deleted' });
  expect(
    (await emulator().control.runners()).some(r => r.id === runnerId),
  ).toBe(false);
}, 120_000);

it('a pool whose VMs fail to boot says so by code, with KubeVirt’s reason, not "waiting for VMs"', async () => {
  // Every boot fails, as KubeVirt reports a virt-launcher pod that failed (VMI phase Failed).
  const { store, config, reconciler, fleet, team } = await startStack({
    failureRate: 1,
  });
  const pool = await insertTestPool(store, config, {
    team,
    autoscaling: { minReplicas: 1, maxReplicas: 1 },
    tags: ['docker'],
  });
  const failing = await eventually(
    'failed boots reported',
    async () => {
      await fleet.refresh();
      await reconciler.reconcile(pool.id);
      return (await store.getPool(pool.id))!;
    },
    p => p.stateCode === 'VmsFailed',
  );
  expect(failing.state).toBe('provisioning');
  expect(failing.stateReason).toMatch(/VMs failed to boot \(.+: PodFailed/);
}, 60_000);
