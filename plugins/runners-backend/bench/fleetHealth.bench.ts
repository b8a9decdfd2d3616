/*
 * Fleet health at scale, served from memory: 500 pools and 10,000 VMs (20 per pool), with runner
 * managers and running jobs in the CI snapshots. Measures the API's read paths (fleet summary,
 * one team, one pool's detail, the KEDA scaling signal) and the memory they live in.
 *
 *   yarn workspace @runner-fleet/plugin-runners-backend bench
 *
 * Target (issue: fleet health): p95 < 50 ms per request.
 */
import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import { LABELS, PoolState } from '@runner-fleet/plugin-runners-common';
import { EXAMPLE_FLAVOR_CATALOG } from '@runner-fleet/plugin-runners-common/testUtils';
import {
  CiJob,
  CiProvider,
  CiRunnerManager,
} from '@runner-fleet/plugin-runners-node';
import knexFactory from 'knex';
import { performance } from 'node:perf_hooks';
import { DatabaseHistoryStore } from '../src/database/DatabaseHistoryStore';
import { PoolRecord, PoolStore } from '../src/database/PoolStore';
import { CiPoller } from '../src/fleet/CiPoller';
import { CachedObject, FleetCache } from '../src/fleet/FleetCache';
import { FleetService } from '../src/fleet/FleetService';

const POOLS = 500;
const VMS_PER_POOL = 20;
const TEAMS = 25;
const ITERATIONS = 200;

const flavor = EXAMPLE_FLAVOR_CATALOG.flavors[1];
const created = new Date(Date.now() - 3600_000).toISOString();

const pools: PoolRecord[] = Array.from({ length: POOLS }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  team: `team-${i % TEAMS}`,
  name: `pool-${i}`,
  version: 1,
  spec: {
    team: `team-${i % TEAMS}`,
    name: `pool-${i}`,
    flavor: flavor.name,
    autoscaling: {
      minReplicas: 1,
      maxReplicas: 40,
      targetUtilization: 0.3,
      scaleToZero: false,
      burst: i % 5 === 0,
    },
    gitlab: {
      scope: { type: 'group', path: 'engineering/payments' },
      tags: ['docker'],
      runUntagged: false,
    },
  },
  flavor,
  reserved: { cpu: 320, memoryGiB: 640 },
  state: (i % 50 === 0 ? 'degraded' : 'ready') as PoolState,
  stateReason: 'ok',
  stateCode: 'Ready' as const,
  generation: 1,
  observedGeneration: 1,
  gitlabRunnerId: i + 1,
  createdBy: 'user:default/bench',
  createdAt: created,
  updatedAt: created,
}));

const vmName = (pool: number, vm: number) =>
  `rf-pool-${pool}-${vm.toString(36).padStart(5, '0')}`;

/** A CI provider that answers from memory, as GitLab would for this fleet. */
const ci: Pick<CiProvider, 'listManagers' | 'listJobs' | 'listPendingJobs'> = {
  async listManagers(runnerId): Promise<CiRunnerManager[]> {
    return Array.from({ length: VMS_PER_POOL }, (_, v) => ({
      id: runnerId * 100 + v,
      systemId: vmName(runnerId - 1, v),
      status: 'online',
      contactedAt: new Date().toISOString(),
      createdAt: new Date(Date.parse(created) + 45_000).toISOString(),
    }));
  },
  async listJobs(runnerId, options): Promise<CiJob[]> {
    const count = options?.status === 'running' ? 30 : 100;
    return Array.from({ length: count }, (_, j) => ({
      id: runnerId * 1000 + j,
      status: options?.status ?? 'success',
      tags: ['docker'],
      createdAt: created,
      startedAt: new Date(Date.now() - j * 60_000).toISOString(),
      queuedDurationSeconds: (j * 7) % 120,
      systemId: vmName(runnerId - 1, j % VMS_PER_POOL),
    }));
  },
  async listPendingJobs(): Promise<CiJob[]> {
    return Array.from({ length: 40 }, (_, j) => ({
      id: 9_000_000 + j,
      status: 'pending',
      tags: ['docker'],
      createdAt: created,
    }));
  },
};

function object(
  kind: string,
  name: string,
  poolId: string,
  extra: Partial<CachedObject>,
): CachedObject {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind,
    metadata: {
      name,
      namespace: 'runners-bench',
      uid: `${kind}/${name}`,
      labels: { [LABELS.pool]: poolId, [LABELS.role]: 'primary' },
      creationTimestamp: new Date(created),
    },
    ...extra,
  };
}

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

async function measure(name: string, fn: () => unknown) {
  for (let i = 0; i < 10; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    const result = await fn();
    JSON.stringify(result); // what the router does with it
    times.push(performance.now() - start);
  }
  const p50 = percentile(times, 50).toFixed(2);
  const p95 = percentile(times, 95);
  const verdict = p95 < 50 ? 'ok' : 'OVER TARGET';
  console.log(
    `${name.padEnd(28)} p50 ${p50.padStart(7)} ms   p95 ${p95
      .toFixed(2)
      .padStart(7)} ms   ${verdict}`,
  );
  return p95;
}

async function main() {
  const quiet = () => {};
  const logger: LoggerService = {
    error: quiet,
    warn: quiet,
    info: quiet,
    debug: quiet,
    child: () => logger,
  };
  const cache = FleetCache.create({ clusters: [], logger });
  pools.forEach((pool, p) => {
    cache.ingest(
      'local',
      'replicaSets',
      object('VirtualMachineInstanceReplicaSet', `rf-pool-${p}`, pool.id, {
        spec: { replicas: VMS_PER_POOL },
        status: { replicas: VMS_PER_POOL, readyReplicas: VMS_PER_POOL - 1 },
      }),
    );
    cache.ingest(
      'local',
      'scaledObjects',
      object('ScaledObject', `rf-pool-${p}`, pool.id, {
        status: { conditions: [{ type: 'Active', status: 'True' }] },
      }),
    );
    for (let v = 0; v < VMS_PER_POOL; v++) {
      cache.ingest(
        'local',
        'vmis',
        object('VirtualMachineInstance', vmName(p, v), pool.id, {
          status: { phase: v === 0 ? 'Scheduling' : 'Running' },
        }),
      );
    }
  });
  const store = { listPools: async () => pools } as unknown as PoolStore;
  const poller = CiPoller.create({
    ci: ci as CiProvider,
    logger,
    requestsPerRound: POOLS * 3 + 10,
  });
  // The history on an in-memory SQLite: an hour of minute samples of the whole fleet.
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  const database: DatabaseService = { getClient: async () => db };
  let now = Date.now() - 3600_000;
  const fleet = FleetService.create({
    store,
    cache,
    poller,
    history: await DatabaseHistoryStore.create({ database }),
    clusters: { primary: 'local' },
    logger,
    clock: () => now,
  });
  await fleet.refresh();
  const sampleTimes: number[] = [];
  for (let minute = 0; minute < 60; minute++) {
    now += 60_000;
    await fleet.refresh();
    const start = performance.now();
    await fleet.recordHistory();
    sampleTimes.push(performance.now() - start);
  }
  console.log(
    `one history sample of ${POOLS} pools (write + hourly rollup, SQLite): p50 ${percentile(
      sampleTimes,
      50,
    ).toFixed(0)} ms, max ${Math.max(...sampleTimes).toFixed(0)} ms`,
  );

  const refreshStart = performance.now();
  await fleet.refresh();
  console.log(
    `fleet of ${POOLS} pools, ${
      POOLS * VMS_PER_POOL
    } VMs; one refresh (CI snapshots + history read) took ${(
      performance.now() - refreshStart
    ).toFixed(0)} ms`,
  );

  const team = pools.filter(p => p.team === 'team-3');
  const results = [
    await measure('GET /health (fleet)', () => fleet.summary(pools)),
    await measure('GET /health/teams (1 team)', () => fleet.teams(team)),
    await measure('GET /pools/:id/health', () =>
      fleet.poolDetail(pools[123], []),
    ),
    await measure('GET /scaling/pools/:id', () => fleet.scaling(pools[123])),
  ];
  global.gc?.();
  const heapMiB = process.memoryUsage().heapUsed / 1024 / 1024;
  console.log(`heap used with the fleet in memory: ${heapMiB.toFixed(0)} MiB`);
  if (results.some(p95 => p95 >= 50)) process.exitCode = 1;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
