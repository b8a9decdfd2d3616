import { mockServices } from '@backstage/backend-test-utils';
import { LABELS, PoolEvent } from '@runner-fleet/plugin-runners-common';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { GitLabCiProvider } from '../ci';
import { PoolRecord, TeamTransaction } from '../database/PoolStore';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  eventually,
  insertTestPool,
  testRunnersConfig,
  testStore,
  useGitLabEmulator,
} from '../__testUtils__/stack';
import { untilWritten } from '../service/conflicts';
import { PoolChanges } from '../service/PoolChanges';
import { PoolSpecs } from '../service/PoolSpecs';
import { Quotas } from '../service/Quotas';
import { KubernetesClusterClient } from './ClusterClient';
import { Reconciler, ReconcileStep } from './Reconciler';
import { ReconcileWorker } from './ReconcileWorker';
import { renderedKinds } from './render';

const cluster = useTestCluster();
const databases = createTestDatabases();
// Real control plane, database and GitLab emulator on a shared 2-core machine: allow for load.
jest.setTimeout(60_000);
const emulator = useGitLabEmulator();

const ACTOR = 'user:default/test';

/**
 * A reconciler and its work queue on the real control plane and the GitLab emulator, with a
 * hook that issues a user's intent at an exact step of a pass (the pass waits for it).
 */
async function setup() {
  const config = testRunnersConfig(emulator.url);
  const store = await testStore(databases);
  const logger = mockServices.logger.mock();
  let trigger:
    | { step: ReconcileStep; fire: () => Promise<unknown> }
    | undefined;
  const reconciler = Reconciler.create({
    store,
    ci: GitLabCiProvider.create({ settings: config.gitlab!, logger }),
    clusters: [
      KubernetesClusterClient.create({
        name: 'local',
        role: 'primary',
        kubeConfig: cluster.kubeConfig('runner-fleet-backend'),
      }),
    ],
    config,
    logger,
    onStep: async step => {
      if (trigger?.step !== step) return;
      const { fire } = trigger;
      trigger = undefined;
      await fire();
    },
  });
  const worker = ReconcileWorker.create({
    queue: store.reconcileQueue(),
    reconciler,
    logger,
    options: { pollMs: 50, resyncMs: 3_600_000, backoffMs: 50 },
  });
  const changes = new PoolChanges(
    new PoolSpecs(config),
    new Quotas(config, store),
  );
  /** Runs `fn` on the pool as stored now, in its team's transaction, as the API does. */
  const intent = (
    pool: PoolRecord,
    fn: (tx: TeamTransaction, current: PoolRecord) => Promise<unknown>,
  ) =>
    untilWritten('test', () =>
      store.withTeam(pool.team, async tx =>
        fn(tx, (await tx.getPool(pool.id))!),
      ),
    );
  return {
    config,
    store,
    worker,
    reconciler,
    logger,
    at: (step: ReconcileStep, fire: () => Promise<unknown>) => {
      trigger = { step, fire };
    },
    fired: () => trigger === undefined,
    del: (pool: PoolRecord) =>
      intent(pool, (tx, current) => changes.delete(tx, current, ACTOR, false)),
    change: (pool: PoolRecord, update: Parameters<PoolChanges['update']>[2]) =>
      intent(pool, (tx, current) => changes.update(tx, current, update, ACTOR)),
    approve: async (requestId: string, pool: PoolRecord) => {
      const request = (await store.getRequest(requestId))!;
      return intent(pool, tx =>
        changes.decide(tx, request, { approve: true }, ACTOR),
      );
    },
  };
}

const admin = () =>
  KubernetesClusterClient.create({
    name: 'admin',
    role: 'primary',
    kubeConfig: cluster.kubeConfig('admin'),
  });

async function objectsOf(poolId: string) {
  const client = admin();
  const lists = await Promise.all(
    renderedKinds
      .filter(k => k.scope === 'pool')
      .map(k => client.list(k, { [LABELS.pool]: poolId })),
  );
  return lists.flat();
}

async function runnersOf(poolId: string) {
  return (await emulator.control.runners()).filter(r =>
    (r.description ?? '').includes(poolId),
  );
}

/**
 * Steps backwards that no pass may take on its own (events without an actor are the
 * reconciler's): nothing but deleting/deleted after a delete, and never back to provisioning
 * from ready or degraded.
 */
function stepsBackwards(events: PoolEvent[]): string[] {
  const problems: string[] = [];
  let deleting = false;
  let previous: PoolEvent | undefined;
  for (const e of events) {
    if (deleting && e.state !== 'deleting' && e.state !== 'deleted')
      problems.push(`${e.state} after deleting: ${e.reason}`);
    if (e.state === 'deleting') deleting = true;
    if (
      !e.actor &&
      e.state === 'provisioning' &&
      (previous?.state === 'ready' || previous?.state === 'degraded')
    )
      problems.push(`${previous.state} → provisioning by a pass`);
    previous = e;
  }
  return problems;
}

const firstPassSteps: ReconcileStep[] = [
  'pass-started',
  'runner-created',
  'runner-recorded',
  'token-stored',
  'object-applied',
  'status-read',
];

describe('ReconcileWorker.drain', () => {
  it('ends when a cycle takes longer than the resync interval', async () => {
    const { store, config, reconciler, logger } = await setup();
    const pools = [
      await insertTestPool(store, config),
      await insertTestPool(store, config),
    ];
    // Every pool is due again 1 ms after its pass: a drain that took what is due *now* after
    // each batch would never end.
    const worker = ReconcileWorker.create({
      queue: store.reconcileQueue(),
      reconciler,
      logger,
      options: { resyncMs: 1, concurrency: 1 },
    });
    const results = await worker.drain();
    expect(results.map(r => r.poolId).sort()).toEqual(
      pools.map(p => p.id).sort(),
    );
  });
});

describe('a user intent issued at any moment of a pass takes effect', () => {
  it.each(firstPassSteps)('delete at %s: nothing is left', async step => {
    const { store, config, worker, at, fired, del } = await setup();
    const pool = await insertTestPool(store, config);
    at(step, () => del(pool));
    await worker.drain();
    expect(fired()).toBe(true);
    expect(await store.getPool(pool.id)).toMatchObject({ state: 'deleted' });
    expect(await objectsOf(pool.id)).toEqual([]);
    expect(await runnersOf(pool.id)).toEqual([]);
    expect(stepsBackwards(await store.listEvents(pool.id))).toEqual([]);
  });

  it.each(firstPassSteps)(
    'change at %s: the change is what runs',
    async step => {
      const { store, config, worker, at, fired, change } = await setup();
      const pool = await insertTestPool(store, config);
      at(step, () =>
        change(pool, {
          autoscaling: { minReplicas: 1, maxReplicas: 6 },
          tags: ['docker', 'changed'],
        }),
      );
      await worker.drain();
      expect(fired()).toBe(true);
      const stored = (await store.getPool(pool.id))!;
      expect(stored).toMatchObject({ generation: 2, observedGeneration: 2 });
      expect(stored.spec.autoscaling.maxReplicas).toBe(6);
      const scaled = (await objectsOf(pool.id)).find(
        o => o.kind === 'ScaledObject',
      ) as { spec: { maxReplicaCount: number } } | undefined;
      expect(scaled?.spec.maxReplicaCount).toBe(6);
      const runners = await runnersOf(pool.id);
      expect(runners).toHaveLength(1);
      expect([...runners[0].tagList].sort()).toEqual(['changed', 'docker']);
      expect(stepsBackwards(await store.listEvents(pool.id))).toEqual([]);
    },
  );

  it.each<ReconcileStep>(['pass-started', 'status-read'])(
    'approval at %s: the approved change is what runs',
    async step => {
      const { store, config, worker, at, fired, change, approve } =
        await setup();
      const pool = await insertTestPool(store, config);
      await worker.drain();
      // A change to a custom flavor above the threshold waits; the pool keeps running.
      const waiting = (await change(pool, {
        flavor: { os: 'linux', cpu: 18, memoryGiB: 16, diskGiB: 80 },
      })) as { request?: { id: string } };
      expect(waiting.request).toBeDefined();
      const requestId = waiting.request!.id;
      at(step, () => approve(requestId, pool));
      await worker.drain();
      expect(fired()).toBe(true);
      const stored = (await store.getPool(pool.id))!;
      expect(stored.pendingSpec).toBeUndefined();
      expect(stored.flavor).toMatchObject({ cpu: 18, custom: true });
      expect(stored.observedGeneration).toBe(stored.generation);
      const vmirs = (await objectsOf(pool.id)).find(
        o => o.kind === 'VirtualMachineInstanceReplicaSet',
      ) as unknown as {
        spec: { template: { spec: { domain: { cpu: { cores: number } } } } };
      };
      expect(vmirs.spec.template.spec.domain.cpu.cores).toBe(18);
    },
  );

  it('create-then-delete within 0–3 s, many pools at once: every delete wins', async () => {
    const { store, config, worker, del } = await setup();
    worker.start();
    try {
      const pools = await Promise.all(
        Array.from({ length: 8 }, () => insertTestPool(store, config)),
      );
      await Promise.all(
        pools.map(async (pool, i) => {
          await new Promise(resolve => setTimeout(resolve, i * 400));
          await del(pool);
        }),
      );
      await eventually(
        'every pool deleted',
        () => Promise.all(pools.map(p => store.getPool(p.id))),
        all => all.every(p => p?.state === 'deleted'),
        60_000,
      );
      for (const pool of pools) {
        expect(await objectsOf(pool.id)).toEqual([]);
        expect(await runnersOf(pool.id)).toEqual([]);
        expect(stepsBackwards(await store.listEvents(pool.id))).toEqual([]);
      }
    } finally {
      await worker.stop();
    }
  });
});
