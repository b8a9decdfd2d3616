/*
 * P3 idle reconcile: N unchanged pools, one full pass of the database work queue (every pool
 * marked due with the queue's enqueue, then ReconcileWorker.drain()). Counts Kubernetes writes
 * (through the cluster client), GitLab calls (the emulator's request log) and every request the
 * API server served (its own apiserver_request_total). Beside it: a pass that applies every
 * rendered object unconditionally. Runs on a control plane and emulator of its own, so no other
 * client's requests are counted.
 */
import { ConfigReader } from '@backstage/config';
import { seedTokens } from '@runner-fleet/gitlab-emulator';
import { LABELS } from '@runner-fleet/plugin-runners-common';
import knexFactory from 'knex';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GitLabCiProvider } from '../src/ci';
import {
  DEFAULT_GITLAB_REQUESTS_PER_MINUTE,
  readRunnersConfig,
} from '../src/config';
import { DatabasePoolStore } from '../src/database/DatabasePoolStore';
import { PoolRecord } from '../src/database/PoolStore';
import {
  ClusterClient,
  KubernetesClusterClient,
} from '../src/provisioning/ClusterClient';
import { CachedClusterClient } from '../src/provisioning/cache/CachedClusterClient';
import { ClusterWatches } from '../src/provisioning/cache/ReconcilerCache';
import { Reconciler } from '../src/provisioning/Reconciler';
import { ReconcileWorker } from '../src/provisioning/ReconcileWorker';
import {
  poolObjectNames,
  renderPool,
  teamNamespace,
} from '../src/provisioning/render';
import { renderInputFor } from '../src/provisioning/renderInput';
import { BareKube } from './lib/kube';
import { profiled } from './lib/profile';
import { quietLogger } from './lib/quietLogger';
import { Row } from './lib/report';
import { SCALING_TOKEN, startEmulator, startPlane } from './lib/stack';
import { forEachLimit, load } from './lib/stats';
import { Sizes } from './sizes';

/** Counts what goes through a cluster client: writes (apply, patch, delete) and reads. */
class CountingClusterClient implements ClusterClient {
  readonly name: string;
  readonly role: 'primary' | 'burst';
  writes = 0;
  reads = 0;
  readonly #inner: ClusterClient;

  constructor(inner: ClusterClient) {
    this.#inner = inner;
    this.name = inner.name;
    this.role = inner.role;
  }
  apply(...a: Parameters<ClusterClient['apply']>) {
    this.writes++;
    return this.#inner.apply(...a);
  }
  mergePatch(...a: Parameters<ClusterClient['mergePatch']>) {
    this.writes++;
    return this.#inner.mergePatch(...a);
  }
  delete(...a: Parameters<ClusterClient['delete']>) {
    this.writes++;
    return this.#inner.delete(...a);
  }
  list(...a: Parameters<ClusterClient['list']>) {
    this.reads++;
    return this.#inner.list(...a);
  }
  get(...a: Parameters<ClusterClient['get']>) {
    this.reads++;
    return this.#inner.get(...a);
  }
}

export async function runP3(options: {
  sizes: Sizes['p3'];
  /** When set, the measured pass is CPU-profiled into this directory. */
  profileDir?: string;
  log: (line: string) => void;
}): Promise<{ rows: Row[]; notes: string[] }> {
  const { sizes, log } = options;
  log('P3: starting a control plane and emulator of its own');
  const plane = await startPlane();
  const emulator = await startEmulator();
  const admin = new BareKube(plane, 'admin', 48);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  try {
    const config = readRunnersConfig(
      new ConfigReader({
        backend: { baseUrl: 'http://127.0.0.1:7999' },
        runners: {
          gitlab: { baseUrl: emulator.url, token: seedTokens.fleetBot },
          scalingMetrics: { token: SCALING_TOKEN },
          quotas: {
            default: {
              maxCpu: 1000000,
              maxMemoryGiB: 2000000,
              maxPools: 10000,
            },
          },
        },
      }),
    );
    const store = await DatabasePoolStore.create({
      database: { getClient: async () => knex },
    });
    const logger = quietLogger();
    const cluster = new CountingClusterClient(
      KubernetesClusterClient.create({
        name: 'local',
        role: 'primary',
        kubeConfig: plane.kubeConfig('runner-fleet-backend'),
      }),
    );
    const queue = store.reconcileQueue();
    // The measured pass runs as the product is configured by default (GitLab client limited to
    // runners.gitlab.requestsPerMinute, 1000/min). Setting up 1,000 pools at that rate would take longer than the whole
    // budget, so the setup passes use a provider with the limit lifted.
    // drain() runs passes until none is due; a pool's next pass is due again after the resync
    // interval (30 s), so with passes over 1,000 pools taking longer than that, drain() would
    // go round again. A resync of an hour makes drain() exactly one pass per pool.
    const workerOf = (
      requestsPerMinute?: number,
      concurrency?: number,
      client: ClusterClient = cluster,
    ) => {
      const ci = GitLabCiProvider.create({
        settings: {
          ...config.gitlab!,
          ...(requestsPerMinute ? { requestsPerMinute } : {}),
        },
        logger,
      });
      const reconciler = Reconciler.create({
        store,
        ci,
        clusters: [client],
        config,
        logger,
      });
      return {
        reconciler,
        worker: ReconcileWorker.create({
          queue,
          reconciler,
          logger,
          options: { resyncMs: 3_600_000, concurrency },
        }),
      };
    };
    const setup = workerOf(1_000_000, 16);
    const { reconciler, worker } = workerOf();

    // N pools over 20 teams, provisioned by the worker, then made ready as KubeVirt would.
    const flavor = config.catalog.flavors.find(f => f.name === 'm1.large')!;
    log(`P3: provisioning ${sizes.pools} pools`);
    const setupStart = performance.now();
    const pools: PoolRecord[] = [];
    for (let i = 0; i < sizes.pools; i++) {
      const team = `bench${i % 20}`;
      const name = `idle-${i}`;
      pools.push(
        await store.withTeam(team, tx =>
          tx.insertPool({
            id: randomUUID(),
            team,
            name,
            spec: {
              team,
              name,
              flavor: flavor.name,
              autoscaling: {
                minReplicas: 1,
                maxReplicas: 4,
                targetUtilization: 0.3,
                scaleToZero: false,
                burst: false,
              },
              gitlab: {
                scope: { type: 'group', path: 'engineering/payments' },
                tags: ['linux', 'docker'],
                runUntagged: false,
              },
            },
            flavor,
            reserved: { cpu: flavor.cpu * 4, memoryGiB: flavor.memoryGiB * 4 },
            state: 'provisioning',
            stateReason: 'bench',
            stateCode: 'Requested',
            createdBy: 'user:default/bench',
          }),
        ),
      );
    }
    await setup.worker.drain();
    await forEachLimit(pools, sizes.setupConcurrency * 4, async pool => {
      const name = poolObjectNames(pool.name).workload;
      await admin.json(
        'PATCH',
        `/apis/kubevirt.io/v1/namespaces/${teamNamespace(
          pool.team,
        )}/virtualmachineinstancereplicasets/${name}/status`,
        {
          status: {
            replicas: 1,
            readyReplicas: 1,
            labelSelector: `${LABELS.pool}=${pool.id}`,
          },
        },
        'application/merge-patch+json',
      );
    });
    for (const pool of pools) await queue.enqueue(pool.id);
    await setup.worker.drain(); // provisioning → ready
    const setupS = (performance.now() - setupStart) / 1000;
    const ready = (await store.listPools({ states: ['ready'] })).length;
    if (ready !== pools.length) {
      throw new Error(`P3 setup: ${ready} of ${pools.length} pools are ready`);
    }

    // The measured pass: nothing changed, every pool due once.
    const passLoad = load();
    const before = {
      writes: cluster.writes,
      reads: cluster.reads,
      api: await admin.requestCounts(),
      gitlab: emulator.calls.snapshot(),
    };
    for (const pool of pools) await queue.enqueue(pool.id);
    const passStart = performance.now();
    let profileTop: string[] = [];
    let results;
    if (options.profileDir) {
      mkdirSync(options.profileDir, { recursive: true });
      const profiled_ = await profiled(
        join(options.profileDir, 'p3-idle-pass.cpuprofile'),
        () => worker.drain(),
      );
      results = profiled_.result;
      profileTop = profiled_.top;
    } else {
      results = await worker.drain();
    }
    const passMs = performance.now() - passStart;
    const after = await admin.requestCounts();
    const pass = {
      passes: results.length,
      writes: cluster.writes - before.writes,
      reads: cluster.reads - before.reads,
      apiTotal: after.total - before.api.total,
      apiWrites: after.writes - before.api.writes,
      gitlab: emulator.calls.since(before.gitlab),
    };

    // The product since #22: the same pass reading through the reconciler's watch cache. One
    // warm-up pass reads each runner token once (the cache holds no Secret values).
    const watches = new ClusterWatches(
      { name: 'local', kubeConfig: plane.kubeConfig('runner-fleet-backend') },
      logger,
    );
    const cacheStart = performance.now();
    await watches.start();
    const cacheListS = (performance.now() - cacheStart) / 1000;
    const cachedClient = new CountingClusterClient(
      new CachedClusterClient(cluster, watches),
    );
    const cached = workerOf(undefined, undefined, cachedClient);
    for (const pool of pools) await queue.enqueue(pool.id);
    await cached.worker.drain();
    const cachedLoad = load();
    const cachedBefore = {
      reads: cluster.reads,
      writes: cluster.writes,
      api: await admin.requestCounts(),
      gitlab: emulator.calls.snapshot(),
    };
    for (const pool of pools) await queue.enqueue(pool.id);
    const cachedStart = performance.now();
    const cachedResults = await cached.worker.drain();
    const cachedMs = performance.now() - cachedStart;
    const cachedAfter = await admin.requestCounts();
    const cachedPass = {
      passes: cachedResults.length,
      reads: cluster.reads - cachedBefore.reads,
      writes: cluster.writes - cachedBefore.writes,
      apiTotal: cachedAfter.total - cachedBefore.api.total,
      gitlab: emulator.calls.since(cachedBefore.gitlab),
    };
    await watches.stop();

    // Baseline: the same pools, every rendered object applied unconditionally (4 at a time,
    // as the worker runs passes), with the token read from its Secret as a pass does.
    const baseLoad = load();
    const baseBefore = await admin.requestCounts();
    const baseStart = performance.now();
    let baseWrites = 0;
    await forEachLimit(pools, 4, async pool => {
      const token = (await reconciler.runnerToken(pool)) ?? 'glrt-missing';
      for (const object of renderPool(
        renderInputFor(config, pool, cluster, token, config.gitlab!.baseUrl),
      )) {
        await cluster.apply(object);
        baseWrites++;
      }
    });
    const baseMs = performance.now() - baseStart;
    const baseAfter = await admin.requestCounts();
    const baseApi = baseAfter.total - baseBefore.total;

    const rows: Row[] = [
      {
        bench: 'P3',
        metric: `idle pass over ${pools.length} pools, watch cache (#22): wall time`,
        fleet: `${(cachedMs / 1000).toFixed(2)} s`,
        baseline: `direct reads ${(passMs / 1000).toFixed(2)} s`,
        ratio: `${(passMs / cachedMs).toFixed(1)}× faster`,
        target: '< 2 s',
        pass: cachedMs < 2000,
        load: `${cachedLoad}/${passLoad}`,
      },
      {
        bench: 'P3',
        metric:
          'idle pass, watch cache (#22): Kubernetes reads / API-server requests per pool',
        fleet: `${cachedPass.reads} / ${(
          cachedPass.apiTotal / pools.length
        ).toFixed(2)} per pool (${cachedPass.writes} writes, ${
          cachedPass.gitlab.total
        } GitLab calls)`,
        baseline: `direct reads ${pass.reads} / ${(
          pass.apiTotal / pools.length
        ).toFixed(1)} per pool`,
        ratio: '',
        target: '0 reads',
        pass: cachedPass.reads === 0 && cachedPass.writes === 0,
        load: cachedLoad,
      },
      {
        bench: 'P3',
        metric: `idle pass over ${pools.length} pools: wall time`,
        fleet: `${(passMs / 1000).toFixed(2)} s`,
        baseline: `apply-all ${(baseMs / 1000).toFixed(2)} s`,
        ratio: `${(baseMs / passMs).toFixed(1)}× faster`,
        target: '< 2 s',
        pass: passMs < 2000,
        load: `${passLoad}/${baseLoad}`,
      },
      {
        bench: 'P3',
        metric: 'idle pass: Kubernetes writes / GitLab writes',
        fleet: `${pass.writes} / ${pass.gitlab.writes}`,
        baseline: `apply-all ${baseWrites} / 0`,
        ratio: '',
        target: '0 / 0',
        pass: pass.writes === 0 && pass.gitlab.writes === 0,
        load: passLoad,
      },
      {
        bench: 'P3',
        metric: 'idle pass: API-server requests / GitLab calls',
        fleet: `${pass.apiTotal} (${(pass.apiTotal / pools.length).toFixed(
          1,
        )}/pool) / ${pass.gitlab.total}`,
        baseline: `apply-all ${baseApi} (${(baseApi / pools.length).toFixed(
          1,
        )}/pool) / 0`,
        ratio: `${(pass.apiTotal / baseApi).toFixed(2)}× the requests`,
        target: '',
        load: passLoad,
      },
    ];
    return {
      rows,
      notes: [
        ...(profileTop.length
          ? [
              `CPU profile, P3 idle pass in the bench process (top self time): ${profileTop.join(
                '; ',
              )}`,
            ]
          : []),
        `P3 watch cache: the reconciler reads through CachedClusterClient (src/provisioning/cache); its watches listed ${
          pools.length
        } pools' objects (paginated, 500 per page) in ${cacheListS.toFixed(
          1,
        )} s; one warm-up pass before the measured one read each runner token once; the measured pass made ${
          cachedPass.passes
        } passes. API-server requests include the watches' own (none while idle).`,
        `P3: ${
          pools.length
        } pools over 20 teams on the real kube-apiserver (own control plane) and the GitLab emulator, SQLite store; setup (provision + mark ready, not timed as a result) took ${setupS.toFixed(
          0,
        )} s. The pass is ReconcileWorker.drain() after enqueue of every pool (${
          pass.passes
        } passes, worker concurrency 4 as in production, its GitLab client at the default ${DEFAULT_GITLAB_REQUESTS_PER_MINUTE} requests/min; resync set to 1 h so that drain() stops after one pass per pool; setup used a lifted GitLab limit and concurrency 16); API-server requests are the server's apiserver_request_total delta (resource requests of every verb; only the bench talks to this server); the cluster client saw ${
          pass.reads
        } reads; ${logger.warnings} warnings were logged${
          logger.last ? ` (last: ${logger.last})` : ''
        }.`,
      ],
    };
  } finally {
    admin.close();
    await knex.destroy();
    await emulator.stop();
    await plane.stop();
  }
}
