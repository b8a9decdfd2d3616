/*
 * P1 provisioning latency: POST a pool through the HTTP API with a real user token → the
 * reconciler's first pass is done (every object applied on the real kube-apiserver, the runner
 * registered with the GitLab emulator), 100 sequential and then 20 concurrent. Beside it the
 * physical floor: the same rendered objects applied by a bare client, one server-side apply each.
 */
import { ConfigReader } from '@backstage/config';
import { seedTokens } from '@runner-fleet/gitlab-emulator';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { readRunnersConfig } from '../src/config';
import { PoolRecord } from '../src/database/PoolStore';
import { renderPool } from '../src/provisioning/render';
import { renderInputFor } from '../src/provisioning/renderInput';
import { ApiPool, RunnersApi } from './lib/api';
import { BareKube } from './lib/kube';
import { Row } from './lib/report';
import { SCALING_TOKEN } from './lib/stack';
import { latencies, load, ms, timedCalls } from './lib/stats';

export interface P1Sizes {
  sequential: number;
  concurrent: number;
}

/** Polling interval while waiting for a pool's first pass (the resolution of the latency). */
const POLL_MS = 10;

export async function runP1(options: {
  api: RunnersApi;
  kube: BareKube;
  backendUrl: string;
  gitlabUrl: string;
  sizes: P1Sizes;
  log: (line: string) => void;
}): Promise<{ rows: Row[]; pools: ApiPool[]; notes: string[] }> {
  const { api, kube, sizes, log } = options;
  const pools: ApiPool[] = [];
  const provision = async (team: string, name: string) => {
    const start = performance.now();
    const created = await api.createPool(team, name);
    const pool = await api.waitProvisioned(created.id, POLL_MS);
    pools.push(pool);
    return performance.now() - start;
  };

  // Warm-up: the first pool of a team also creates its namespace and quota.
  for (const team of ['platform', 'search', 'mobile', 'payments']) {
    await provision(team, `warmup`);
  }
  log(`P1: ${sizes.sequential} sequential creates`);
  const seqLoad = load();
  const seq: number[] = [];
  for (let i = 0; i < sizes.sequential; i++) {
    seq.push(await provision('platform', `seq-${i}`));
  }
  log(`P1: ${sizes.concurrent} concurrent creates`);
  const concLoad = load();
  const conc = await timedCalls(sizes.concurrent, sizes.concurrent, async i => {
    const created = await api.createPool('search', `conc-${i}`);
    pools.push(await api.waitProvisioned(created.id, POLL_MS));
  });

  // The floor: the same rendered objects of the same pools under new names, applied by a bare
  // client with one server-side apply each, in the reconciler's order.
  const config = readRunnersConfig(
    new ConfigReader({
      backend: { baseUrl: options.backendUrl },
      runners: {
        gitlab: { baseUrl: options.gitlabUrl, token: seedTokens.fleetBot },
        scalingMetrics: { token: SCALING_TOKEN, baseUrl: options.backendUrl },
        quotas: {
          default: { maxCpu: 100000, maxMemoryGiB: 200000, maxPools: 2000 },
        },
      },
    }),
  );
  const full = await Promise.all(
    pools
      .slice(0, sizes.sequential + sizes.concurrent)
      .map(p => api.json<PoolRecord>('GET', `/pools/${p.id}`)),
  );
  const floorOf = (pool: PoolRecord, name: string) => async () => {
    const objects = renderPool(
      renderInputFor(
        config,
        { ...pool, id: randomUUID(), name },
        { name: 'local', role: 'primary' },
        `glrt-bench-floor-${randomUUID()}`,
        config.gitlab!.baseUrl,
      ),
    );
    for (const object of objects) await kube.apply(object);
  };
  const floorSeqLoad = load();
  const floorSeq = await timedCalls(sizes.sequential, 1, i =>
    floorOf(full[i], `floor-seq-${i}`)(),
  );
  const floorConc = await timedCalls(sizes.concurrent, sizes.concurrent, i =>
    floorOf(full[i % full.length], `floor-conc-${i}`)(),
  );

  const a = latencies(seq);
  const b = latencies(conc);
  const fa = latencies(floorSeq);
  const fb = latencies(floorConc);
  const row = (
    what: string,
    fleet: typeof a,
    floor: typeof a,
    l: string,
  ): Row => {
    const ratio = fleet.p95 / floor.p95;
    return {
      bench: 'P1',
      metric: `provisioning, ${what} (p50 / p95)`,
      fleet: `${ms(fleet.p50)} / ${ms(fleet.p95)}`,
      baseline: `floor ${ms(floor.p50)} / ${ms(floor.p95)}`,
      ratio: `${ratio.toFixed(1)}× the floor (p95)`,
      target: 'p95 < 250 ms and ≤ 3× floor',
      pass: fleet.p95 < 250 && ratio <= 3,
      load: l,
    };
  };
  return {
    rows: [
      row(
        `${sizes.sequential} sequential`,
        a,
        fa,
        `${seqLoad}/${floorSeqLoad}`,
      ),
      row(`${sizes.concurrent} concurrent`, b, fb, concLoad),
    ],
    pools,
    notes: [
      `P1 measures POST /api/runners/pools (user token of ada.platform from the auth backend) until GET /pools/:id shows the first pass done (gitlabRunnerId set, observedGeneration = generation), polled every ${POLL_MS} ms; the floor applies the ${
        full.length
          ? renderPool(
              renderInputFor(
                config,
                full[0],
                { name: 'local', role: 'primary' },
                'glrt-x',
                config.gitlab!.baseUrl,
              ),
            ).length
          : '?'
      } rendered objects of one pool with one server-side apply each (backend identity, keep-alive HTTPS), no GitLab call.`,
    ],
  };
}
