/*
 * P2 fleet view at scale: pools created through the API, their VMIs really stored in the API
 * server, the backend's watch cache warm; GET team health, pool health and the fleet summary over
 * HTTP with a user token. Beside it the same answer computed by listing from the API server per
 * request (what the Backstage Kubernetes plugin does).
 */
import { LABELS } from '@runner-fleet/plugin-runners-common';
import knexFactory from 'knex';
import { performance } from 'node:perf_hooks';
import { DatabaseHistoryStore } from '../src/database/DatabaseHistoryStore';
import { PoolRecord, PoolStore } from '../src/database/PoolStore';
import { CiPoller } from '../src/fleet/CiPoller';
import {
  CachedObject,
  FleetCache,
  WATCHED_KINDS,
} from '../src/fleet/FleetCache';
import { FleetService } from '../src/fleet/FleetService';
import { poolObjectNames, teamNamespace } from '../src/provisioning/render';
import { ApiPool, RunnersApi } from './lib/api';
import { BareKube } from './lib/kube';
import { quietLogger } from './lib/quietLogger';
import { Row } from './lib/report';
import { forEachLimit, latencies, load, ms, timedCalls } from './lib/stats';
import { Sizes } from './sizes';
import { createVmi, runnerToken, vmiOf } from './lib/fleetObjects';

const TEAMS = ['platform', 'payments', 'search', 'mobile'];

/** The fleet P2 and P4 read: pools (through the API) and VMIs (in the API server). */
export interface SeededFleet {
  pools: PoolRecord[];
  vmis: number;
  /** Each pool's replica set as stored, by pool id. */
  replicaSets: Map<string, CachedObject>;
  /** Each pool's runner token (from its Secret), by pool id: what the VMs register with. */
  tokens: Map<string, string>;
  notes: string[];
}

const quiet = quietLogger();

/**
 * Tops the pools up to the fleet size through the API (each provisioned by the backend), then
 * stores `vmisPerPool` Running VMIs per pool in the API server with bounded concurrency, and
 * marks each replica set's status as KubeVirt would. Times the seeding.
 */
export async function seedFleet(options: {
  api: RunnersApi;
  admin: BareKube;
  gitlabUrl: string;
  sizes: Sizes['fleet'];
  log: (line: string) => void;
}): Promise<SeededFleet> {
  const { api, admin, sizes, log, gitlabUrl } = options;
  const existing = (await api.json<{ items: ApiPool[] }>('GET', '/pools'))
    .items;
  const missing = Math.max(0, sizes.pools - existing.length);
  log(
    `fleet: creating ${missing} pools through the API (have ${existing.length})`,
  );
  const createStart = performance.now();
  await forEachLimit(
    Array.from({ length: missing }, (_, i) => i),
    sizes.createConcurrency,
    async i => {
      const pool = await api.createPool(TEAMS[i % TEAMS.length], `fleet-${i}`);
      await api.waitProvisioned(pool.id, 200, 300_000);
    },
  );
  const createS = (performance.now() - createStart) / 1000;
  const pools = (await api.json<{ items: PoolRecord[] }>('GET', '/pools'))
    .items;

  log(`fleet: storing ${pools.length * sizes.vmisPerPool} VMIs`);
  const seedStart = performance.now();
  let vmis = 0;
  const replicaSets = new Map<string, CachedObject>();
  await forEachLimit(pools, sizes.vmiConcurrency, async pool => {
    const ns = teamNamespace(pool.team);
    const name = poolObjectNames(pool.name).workload;
    const base = `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachineinstancereplicasets/${name}`;
    replicaSets.set(pool.id, await admin.json<CachedObject>('GET', base));
  });
  const jobs = pools.flatMap(pool =>
    Array.from({ length: sizes.vmisPerPool }, (_, v) => ({ pool, v })),
  );
  const tokens = new Map<string, string>();
  await forEachLimit(pools, sizes.vmiConcurrency, async pool => {
    tokens.set(pool.id, await runnerToken(admin, pool));
  });
  await forEachLimit(jobs, sizes.vmiConcurrency, async ({ pool, v }) => {
    const vmi = vmiOf(replicaSets.get(pool.id)!, v);
    await createVmi(admin, gitlabUrl, tokens.get(pool.id)!, vmi);
    vmis++;
  });
  await forEachLimit(pools, sizes.vmiConcurrency, async pool => {
    const rs = replicaSets.get(pool.id)!;
    await admin.json(
      'PATCH',
      `/apis/kubevirt.io/v1/namespaces/${rs.metadata.namespace}/virtualmachineinstancereplicasets/${rs.metadata.name}/status`,
      {
        status: {
          replicas: sizes.vmisPerPool,
          readyReplicas: sizes.vmisPerPool,
          labelSelector: `${LABELS.pool}=${pool.id}`,
        },
      },
      'application/merge-patch+json',
    );
  });
  const seedS = (performance.now() - seedStart) / 1000;

  // Warm: the backend's refresh (every 15 s) has seen every replica set's status.
  const expected = pools.length * sizes.vmisPerPool;
  const warmStart = performance.now();
  let seen = 0;
  for (let i = 0; i < 120 && seen < expected; i++) {
    const summary = await api.json<{
      teams: Array<{ totals: { vms: number } }>;
    }>('GET', '/health');
    seen = summary.teams.reduce((n, t) => n + t.totals.vms, 0);
    if (seen < expected) await new Promise(r => setTimeout(r, 1000));
  }
  if (seen < expected) {
    throw new Error(
      `the fleet view shows ${seen} of ${expected} VMs after 120 s`,
    );
  }
  const warmS = (performance.now() - warmStart) / 1000;
  return {
    pools,
    vmis,
    replicaSets,
    tokens,
    notes: [
      `Fleet seeding: ${missing} pools created through the API in ${createS.toFixed(
        0,
      )} s (${
        sizes.createConcurrency
      } at a time, each until its first pass is done); ${vmis} Running VMIs stored in the API server, each with its runner manager registered in the emulator, in ${seedS.toFixed(
        1,
      )} s (${(vmis / seedS).toFixed(0)}/s, ${
        sizes.vmiConcurrency
      } concurrent VMIs, keep-alive HTTPS, plus one status write per replica set); the fleet view showed all VMs ${warmS.toFixed(
        0,
      )} s later.`,
    ],
  };
}

/** The same answers, computed from lists of the API server made for this one request. */
class ListPerRequest {
  readonly #kube: BareKube;
  readonly #pools: PoolRecord[];
  readonly #history: DatabaseHistoryStore;

  static async create(kube: BareKube, pools: PoolRecord[]) {
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    const history = await DatabaseHistoryStore.create({
      database: { getClient: async () => db },
    });
    return new ListPerRequest(kube, pools, history);
  }

  private constructor(
    kube: BareKube,
    pools: PoolRecord[],
    history: DatabaseHistoryStore,
  ) {
    this.#kube = kube;
    this.#pools = pools;
    this.#history = history;
  }

  async #service(scope: { namespace?: string; poolId?: string }) {
    const cache = FleetCache.create({ clusters: [], logger: quiet });
    const selector = encodeURIComponent(
      scope.poolId ? `${LABELS.pool}=${scope.poolId}` : LABELS.pool,
    );
    const ns = scope.namespace ? `/namespaces/${scope.namespace}` : '';
    await Promise.all(
      WATCHED_KINDS.map(async kind => {
        const list = await this.#kube.json<{ items: CachedObject[] }>(
          'GET',
          `/apis/${kind.group}/${kind.version}${ns}/${kind.plural}?labelSelector=${selector}`,
        );
        for (const item of list.items) cache.ingest('local', kind.key, item);
      }),
    );
    const store = {
      listPools: async () => this.#pools,
    } as unknown as PoolStore;
    return FleetService.create({
      store,
      cache,
      poller: CiPoller.create({ logger: quiet }),
      history: this.#history,
      clusters: { primary: 'local' },
      logger: quiet,
    });
  }

  async team(team: string) {
    const pools = this.#pools.filter(p => p.team === team);
    const fleet = await this.#service({ namespace: teamNamespace(team) });
    return JSON.stringify(fleet.teams(pools));
  }

  async pool(pool: PoolRecord) {
    const fleet = await this.#service({ poolId: pool.id });
    return JSON.stringify(await fleet.poolDetail(pool, []));
  }

  async summary() {
    const fleet = await this.#service({});
    return JSON.stringify(fleet.summary(this.#pools));
  }
}

export async function runP2(options: {
  api: RunnersApi;
  admin: BareKube;
  fleet: SeededFleet;
  sizes: Sizes['p2'];
  log: (line: string) => void;
}): Promise<{ rows: Row[]; notes: string[] }> {
  const { api, admin, fleet, sizes, log } = options;
  const pools = fleet.pools;
  const baseline = await ListPerRequest.create(admin, pools);
  const team = 'payments';
  const cases: Array<{
    what: string;
    path: (i: number) => string;
    base: (i: number) => Promise<unknown>;
  }> = [
    {
      what: `team health (${pools.filter(p => p.team === team).length} pools)`,
      path: () => `/health/teams?team=${team}`,
      base: () => baseline.team(team),
    },
    {
      what: 'pool health (detail)',
      path: i => `/pools/${pools[(i * 7) % pools.length].id}/health`,
      base: i => baseline.pool(pools[(i * 7) % pools.length]),
    },
    {
      what: `fleet summary (${pools.length} pools, ${fleet.vmis} VMIs)`,
      path: () => '/health',
      base: () => baseline.summary(),
    },
  ];
  const rows: Row[] = [];
  for (const c of cases) {
    log(
      `P2: ${c.what}: ${sizes.requests} requests, ${sizes.concurrency} concurrent`,
    );
    const l = load();
    // A short warm-up per endpoint (JIT, keep-alive sockets), not counted.
    await timedCalls(20, 4, async i => api.raw('GET', c.path(i)));
    const times = await timedCalls(
      sizes.requests,
      sizes.concurrency,
      async i => {
        const res = await api.raw('GET', c.path(i));
        if (res.status !== 200) {
          throw new Error(
            `GET ${c.path(i)} answered ${res.status}: ${res.text.slice(
              0,
              200,
            )}`,
          );
        }
      },
    );
    // A baseline request that fails (the API server gives up listing under load: 504) is
    // counted with the time it took and reported; it does not stop the run.
    const failures: string[] = [];
    const baseTimes = await timedCalls(
      sizes.baselineRequests,
      sizes.baselineConcurrency,
      async i => {
        try {
          await c.base(i);
        } catch (error) {
          failures.push(String(error).slice(0, 160));
        }
      },
    );
    const a = latencies(times);
    const b = latencies(baseTimes);
    const speedup = b.p95 / a.p95;
    rows.push({
      bench: 'P2',
      metric: `${c.what} (p50 / p95 / p99)`,
      fleet: `${ms(a.p50)} / ${ms(a.p95)} / ${ms(a.p99)}`,
      baseline: `list per request ${ms(b.p50)} / ${ms(b.p95)} / ${ms(
        b.p99,
      )} (n=${b.n}${
        failures.length ? `, ${failures.length} failed: ${failures[0]}` : ''
      })`,
      ratio: `${speedup.toFixed(speedup < 10 ? 1 : 0)}× faster (p95)`,
      target: 'p95 < 50 ms and ≥ 20×',
      pass: a.p95 < 50 && speedup >= 20,
      load: `${l}/${load()}`,
    });
  }
  return {
    rows,
    notes: [
      `P2: ${sizes.requests} requests per endpoint, ${sizes.concurrency} concurrent, over HTTP with ada.platform's token (auth + permission check each time). The baseline lists the six watched kinds from the API server for each request (admin identity, as the Kubernetes plugin's config; label selector; the team's namespace, the pool's label or the whole cluster), indexes them and computes the same answer with the product's FleetService, without CI data and without auth (so it is flattered); ${sizes.baselineRequests} baseline requests, ${sizes.baselineConcurrency} concurrent.`,
    ],
  };
}
