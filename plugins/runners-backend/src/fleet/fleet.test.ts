import { mockServices } from '@backstage/backend-test-utils';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { LABELS } from '@runner-fleet/plugin-runners-common';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { randomUUID } from 'node:crypto';
import { GitLabCiProvider } from '../ci';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  eventually,
  insertTestPool,
  testHistoryStore,
  testRunnersConfig,
  testStore,
  useGitLabEmulator,
} from '../__testUtils__/stack';
import { KubernetesClusterClient } from '../provisioning/ClusterClient';
import { Reconciler } from '../provisioning/Reconciler';
import { runnerSystemIdFrom, teamNamespace } from '../provisioning/render';
import { CiPoller } from './CiPoller';
import { FleetCache } from './FleetCache';
import { FleetService } from './FleetService';
import { GhostSweeper } from './GhostSweeper';

const cluster = useTestCluster();
const databases = createTestDatabases();
const emulator = useGitLabEmulator();

async function setup(options: { clock?: () => number } = {}) {
  const { clock } = options;
  const logger = mockServices.logger.mock();
  const config = testRunnersConfig(emulator.url);
  const store = await testStore(databases);
  const kubeConfig = cluster.kubeConfig('runner-fleet-backend');
  const client = KubernetesClusterClient.create({
    name: 'local',
    role: 'primary',
    kubeConfig,
  });
  const ci = GitLabCiProvider.create({ settings: config.gitlab!, logger });
  const reconciler = Reconciler.create({
    store,
    ci,
    clusters: [client],
    config,
    logger,
  });
  const cache = FleetCache.create({
    clusters: [{ name: 'local', kubeConfig }],
    logger,
  });
  await cache.start();
  const poller = CiPoller.create({ ci, budget: ci.budget, logger, clock });
  const fleet = FleetService.create({
    store,
    cache,
    poller,
    clock,
    history: await testHistoryStore(databases),
    clusters: { primary: 'local' },
    logger,
  });
  const sweeper = GhostSweeper.create({
    ci,
    store,
    poller,
    logger,
    managerGraceSeconds: 0,
    registrationTimeoutSeconds: 3600,
    maxDataAgeSeconds: 300,
    clock,
    fleet: {
      vmisOf: id => fleet.vmisOf(id),
      replaceVm: (c, os, ns, name) => reconciler.replaceVm(c, os, ns, name),
      runnerToken: pool => reconciler.runnerToken(pool),
    },
  });
  fleet.attachSweeper(sweeper);
  const pool = await insertTestPool(store, config, {
    autoscaling: { maxReplicas: 2 },
    tags: ['docker'],
  });
  const team = pool.team;
  await reconciler.reconcile(pool.id);
  return {
    store,
    ci,
    cache,
    poller,
    fleet,
    sweeper,
    reconciler,
    pool: (await store.getPool(pool.id))!,
    team,
  };
}

/** Plays KubeVirt and gitlab-runner for one VM: a Running VMI whose runner registers. */
async function bootVm(
  team: string,
  poolId: string,
  name: string,
  token: string,
) {
  const admin = cluster.kubeConfig('admin');
  const api = admin.makeApiClient(CustomObjectsApi);
  const vmi = await api.createNamespacedCustomObject({
    group: 'kubevirt.io',
    version: 'v1',
    plural: 'virtualmachineinstances',
    namespace: teamNamespace(team),
    body: {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: {
        name,
        labels: { [LABELS.pool]: poolId, [LABELS.role]: 'primary' },
      },
      spec: { domain: { devices: {} } },
    },
  });
  await api.patchNamespacedCustomObject({
    group: 'kubevirt.io',
    version: 'v1',
    plural: 'virtualmachineinstances',
    namespace: teamNamespace(team),
    name,
    body: [{ op: 'add', path: '/status', value: { phase: 'Running' } }],
  });
  const res = await fetch(`${emulator.url}/api/v4/runners/verify`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    // As real gitlab-runner: the system_id its guest wrote to .runner_system_id.
    body: JSON.stringify({ token, system_id: runnerSystemIdFrom(name) }),
  });
  expect(res.status).toBe(200);
  return vmi;
}

describe('fleet health, ghost sweeper and watch cache (real control plane + GitLab emulator)', () => {
  it('removes the runner manager of a VM deleted behind the product’s back within one sweep', async () => {
    const { cache, fleet, sweeper, reconciler, pool, team } = await setup();
    const token = (await reconciler.runnerToken(pool))!;
    await bootVm(team, pool.id, 'rf-builds-abcde', token);
    await eventually(
      'the fleet cache',
      () => fleet.vmisOf(pool.id).length,
      n => n === 1,
    );
    await fleet.refresh();
    const detail = await fleet.poolDetail(pool, []);
    expect(detail.vms).toEqual([
      expect.objectContaining({
        name: 'rf-builds-abcde',
        phase: 'Running',
        manager: expect.objectContaining({ status: 'online' }),
      }),
    ]);
    // A healthy fleet: the VM's manager pairs with it by the id gitlab-runner derived from the
    // file our cloud-init writes, so a sweep finds nothing to remove.
    expect(await sweeper.sweep()).toEqual({
      ghostRunners: 0,
      ghostManagers: 0,
      unregisteredVms: 0,
      runnersDeleted: 0,
      managersDeleted: 0,
      vmsReplaced: 0,
      staleSkipped: 0,
    });

    await cluster
      .kubeConfig('admin')
      .makeApiClient(CustomObjectsApi)
      .deleteNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        plural: 'virtualmachineinstances',
        namespace: teamNamespace(team),
        name: 'rf-builds-abcde',
      });
    await eventually(
      'the fleet cache',
      () => fleet.vmisOf(pool.id).length,
      n => n === 0,
    );
    const result = await sweeper.sweep();
    expect(result.managersDeleted).toBe(1);
    const runner = (await emulator.control.runners()).find(
      r => r.id === pool.gitlabRunnerId,
    )!;
    expect(runner.managers).toEqual([]);
    await cache.stop();
  });

  it('does not act on CI data older than its bound, and says how old the data is', async () => {
    let now = Date.now();
    const { cache, fleet, sweeper, reconciler, pool, team } = await setup({
      clock: () => now,
    });
    const token = (await reconciler.runnerToken(pool))!;
    await bootVm(team, pool.id, 'rf-builds-stale', token);
    await eventually(
      'the fleet cache',
      () => fleet.vmisOf(pool.id).length,
      n => n === 1,
    );
    await fleet.refresh();
    expect(fleet.poolHealth(pool).dataAgeSeconds).toBe(0);
    await cluster
      .kubeConfig('admin')
      .makeApiClient(CustomObjectsApi)
      .deleteNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        plural: 'virtualmachineinstances',
        namespace: teamNamespace(team),
        name: 'rf-builds-stale',
      });
    await eventually(
      'the fleet cache',
      () => fleet.vmisOf(pool.id).length,
      n => n === 0,
    );
    // GitLab was last read 301 s ago (the poller fell behind): the sweep leaves the pool alone.
    now += 301_000;
    expect(fleet.poolHealth(pool).dataAgeSeconds).toBe(301);
    expect(fleet.scaling(pool).dataAgeSeconds).toBe(301);
    expect(fleet.oldestDataAgeSeconds()).toBe(301);
    const stale = await sweeper.sweep();
    expect(stale).toMatchObject({ managersDeleted: 0, staleSkipped: 1 });
    const managers = async () =>
      (await emulator.control.runners()).find(
        r => r.id === pool.gitlabRunnerId,
      )!.managers;
    expect(await managers()).toHaveLength(1);
    // Fresh data: the manager of the deleted VM goes.
    await fleet.refresh();
    expect(await sweeper.sweep()).toMatchObject({
      managersDeleted: 1,
      staleSkipped: 0,
    });
    expect(await managers()).toEqual([]);
    await cache.stop();
  });

  it('deletes a GitLab runner orphaned by a crash (its pool is gone)', async () => {
    const { ci, cache, sweeper } = await setup();
    const orphan = await ci.createRunner({
      poolId: randomUUID(),
      team: 'payments',
      poolName: 'gone',
      scope: { type: 'group', path: 'engineering/payments' },
      tags: ['x'],
      runUntagged: false,
    });
    const result = await sweeper.sweep();
    expect(result.runnersDeleted).toBeGreaterThanOrEqual(1);
    expect(
      (await emulator.control.runners()).some(r => r.id === orphan.id),
    ).toBe(false);
    await cache.stop();
  });

  it('reports queue waits equal to the emulator’s queued_duration', async () => {
    const { fleet, reconciler, pool, team, cache } = await setup();
    const token = (await reconciler.runnerToken(pool))!;
    await bootVm(team, pool.id, 'rf-builds-q1', token);
    await emulator.control.enqueueJobs({
      project: 'engineering/payments/payment-gateway',
      count: 2,
      tags: ['docker'],
      durationSeconds: 60,
    });
    await emulator.clock.advance(30_000);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${emulator.url}/api/v4/jobs/request`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          token,
          system_id: runnerSystemIdFrom('rf-builds-q1'),
          info: {},
        }),
      });
      expect(res.status).toBe(201);
    }
    await fleet.refresh();
    const jobs = (
      await emulator.control.jobs({ runnerId: pool.gitlabRunnerId })
    ).filter(j => j.startedAt);
    const health = fleet.poolHealth(pool);
    expect(health.utilization.busySlots).toBe(2);
    expect(health.queue.waitSeconds.samples).toBe(jobs.length);
    expect(health.queue.waitSeconds.p95).toBeCloseTo(
      Math.max(...jobs.map(j => j.queuedDuration ?? 0)),
      0,
    );
    await cache.stop();
  });
});
