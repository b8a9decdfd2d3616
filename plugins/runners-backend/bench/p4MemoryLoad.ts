/*
 * P4 memory and load on the production build of the backend (packages/backend/dist, NODE_ENV=
 * production) watching the seeded fleet: RSS and heap after warm-up and through VMI churn, the
 * KEDA scaling endpoint under ~67 req/s, and the GitLab requests per minute the CI poller and the
 * ghost sweeper make, against GitLab's default authenticated rate limit.
 */
import { ControlPlane } from '@runner-fleet/testenv';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RunnersApi } from './lib/api';
import { BareKube } from './lib/kube';
import { prepareProductionBackend } from './lib/production';
import { monotonicUs } from './lib/profile';
import { Row } from './lib/report';
import {
  Backend,
  BackendMode,
  GitLabCalls,
  ROOT,
  SCALING_TOKEN,
} from './lib/stack';
import { latencies, load, ms } from './lib/stats';
import { SeededFleet } from './p2FleetView';
import { createVmi, vmiOf } from './lib/fleetObjects';
import { Sizes } from './sizes';

interface Probe {
  t: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external?: number;
  arrayBuffers?: number;
  spaces?: Record<string, number>;
  cpuUs: number;
}

const MiB = 1024 * 1024;

/** RSS, heap, V8's biggest spaces and off-heap memory of a probe, in MiB, for the notes. */
function breakdown(p: Probe): string {
  const mib = (n: number | undefined) => ((n ?? 0) / MiB).toFixed(0);
  const spaces = Object.entries(p.spaces ?? {})
    .filter(([, used]) => used >= MiB)
    .sort((a, b) => b[1] - a[1])
    .map(([name, used]) => `${name} ${mib(used)}`)
    .join(', ');
  return `RSS ${mib(p.rss)}, heap used ${mib(
    p.heapUsed,
  )} (${spaces}), external ${mib(p.external)} (array buffers ${mib(
    p.arrayBuffers,
  )})`;
}

/** GitLab's default authenticated API limit on self-managed (when enabled): 7,200 per hour. */
const SELF_MANAGED_PER_MIN = 7200 / 60;
/** GitLab.com: authenticated API traffic for a user, 2,000 per minute. */
const GITLAB_COM_PER_MIN = 2000;

function lastProbe(file: string): Probe {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Probe;
}

/** Least-squares slope of y over x (per unit of x). */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const num = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return den ? num / den : 0;
}

const sleep = (msec: number) => new Promise(r => setTimeout(r, msec));

/**
 * Open-loop load: one request every 1000/rps ms for `seconds` (a slow answer does not slow the
 * senders, as KEDA's pollers would not wait for each other). Returns each answered request's
 * latency and the errors of those that failed (counted, never thrown: the run goes on).
 */
async function openLoop(
  rps: number,
  seconds: number,
  send: (i: number) => Promise<void>,
): Promise<{ times: number[]; errors: string[] }> {
  const total = Math.round(rps * seconds);
  const times: number[] = [];
  const errors: string[] = [];
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rps;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const t = performance.now();
    inFlight.push(
      send(i).then(
        () => void times.push(performance.now() - t),
        error => void errors.push(String(error).slice(0, 120)),
      ),
    );
  }
  await Promise.all(inFlight);
  return { times, errors };
}

/** "" or ", N failed (first: …)" for a row. */
function failed(errors: string[]): string {
  return errors.length ? `, ${errors.length} failed (${errors[0]})` : '';
}

export async function runP4(options: {
  plane: ControlPlane;
  emulator: { url: string; calls: GitLabCalls };
  admin: BareKube;
  fleet: SeededFleet;
  restart: (
    mode: BackendMode,
    productionDir: string | undefined,
    env: Record<string, string>,
  ) => Promise<Backend>;
  /**
   * Starts the same backend build on a fresh, empty control plane and database: the memory
   * baseline (what the backend costs before it watches any fleet).
   */
  startEmpty: (
    mode: BackendMode,
    productionDir: string | undefined,
    env: Record<string, string>,
  ) => Promise<{ backend: Backend; stop: () => Promise<void> }>;
  sizes: Sizes['p4'];
  smoke: boolean;
  log: (line: string) => void;
  /** Told the monotonic time windows (µs) of churn and KEDA load, for the CPU profile. */
  onWindow?: (name: string, from: number, to: number) => void;
}): Promise<{ rows: Row[]; notes: string[] }> {
  const { admin, fleet, sizes, log, emulator } = options;
  const notes: string[] = [];
  let mode: BackendMode = 'production';
  let productionDir: string | undefined;
  if (options.smoke) {
    mode = 'development';
    notes.push(
      'P4 (smoke): the backend runs from sources, not the production build.',
    );
  } else {
    log(
      'P4: building the backend for production (yarn workspace backend build)',
    );
    const start = performance.now();
    productionDir = prepareProductionBackend(ROOT);
    notes.push(
      `P4 runs the production build (yarn workspace backend build → bundle.tar.gz unpacked, node dist/index.cjs.js, NODE_ENV=production; build took ${(
        (performance.now() - start) /
        1000
      ).toFixed(
        0,
      )} s) on the same SQLite files, port, cluster and emulator as P1/P2.`,
    );
  }
  const probeFile = join(options.plane.dataDir, 'bench-memory-probe.jsonl');
  writeFileSync(probeFile, '');
  log(`P4: starting the backend (${mode})`);
  const backend = await options.restart(mode, productionDir, {
    RUNNER_FLEET_BENCH_PROBE: probeFile,
    NODE_OPTIONS: `--require ${join(__dirname, 'lib/memoryProbe.cjs')}`,
  });
  const keda = new RunnersApi(backend.url, SCALING_TOKEN, 64);
  try {
    const pools = fleet.pools;
    // Warm: the scaling signal answers for the pools (watch cache listed, pools loaded).
    for (let i = 0; i < 120; i++) {
      const res = await keda.raw(
        'GET',
        `/scaling/pools/${pools[pools.length - 1].id}`,
      );
      if (res.status === 200) break;
      await sleep(1000);
    }
    log(`P4: warm-up ${sizes.warmupS} s`);
    await sleep(sizes.warmupS * 1000);
    const warm = lastProbe(probeFile);
    const gitlabStart = {
      at: performance.now(),
      calls: emulator.calls.snapshot(),
    };
    const byRouteStart = new Map(emulator.calls.byRoute);

    // The raw size of what the cache holds: the watched objects as the API server lists them.
    let rawBytes = 0;
    for (const path of [
      '/apis/kubevirt.io/v1/virtualmachineinstances',
      '/apis/kubevirt.io/v1/virtualmachineinstancereplicasets',
      '/apis/keda.sh/v1alpha1/scaledobjects',
    ]) {
      rawBytes += (
        await admin.raw('GET', `${path}?labelSelector=runner-fleet.io%2Fpool`)
      ).text.length;
    }

    // Churn: every second delete and create `churnPerS` VMIs (the fleet keeps its size).
    log(
      `P4: churn ${sizes.churnS} s at ${sizes.churnPerS} VMIs/s created and deleted`,
    );
    const list = await admin.json<{
      items: Array<{
        metadata: {
          name: string;
          namespace: string;
          labels: Record<string, string>;
        };
      }>;
    }>(
      'GET',
      '/apis/kubevirt.io/v1/virtualmachineinstances?labelSelector=runner-fleet.io%2Fpool',
    );
    const all = list.items.map(i => ({
      ns: i.metadata.namespace,
      name: i.metadata.name,
      poolId: i.metadata.labels['runner-fleet.io/pool'],
    }));
    const samples: Array<[number, number, number]> = [];
    const churnStart = performance.now();
    const churnFrom = monotonicUs();
    const sampleEvery = (sizes.churnS * 1000) / sizes.samples;
    let nextSample = churnStart;
    let churned = 0;
    for (let s = 0; s < sizes.churnS; s++) {
      const tick = performance.now();
      const batch = Array.from({ length: sizes.churnPerS }, () => {
        const i = Math.floor(Math.random() * all.length);
        return all.splice(i, 1)[0];
      });
      const first = churned;
      churned += batch.length;
      await Promise.all(
        batch.map(async (victim, j) => {
          await admin.raw(
            'DELETE',
            `/apis/kubevirt.io/v1/namespaces/${victim.ns}/virtualmachineinstances/${victim.name}`,
          );
          const rs = fleet.replicaSets.get(victim.poolId)!;
          const vmi = vmiOf(rs, first + j);
          await createVmi(
            admin,
            emulator.url,
            fleet.tokens.get(victim.poolId)!,
            vmi,
          );
          all.push({
            ns: vmi.metadata.namespace!,
            name: vmi.metadata.name,
            poolId: victim.poolId,
          });
        }),
      );
      if (performance.now() >= nextSample) {
        const p = lastProbe(probeFile);
        samples.push([(p.t - warm.t) / 60_000, p.rss / MiB, p.heapUsed / MiB]);
        nextSample += sampleEvery;
      }
      const rest = 1000 - (performance.now() - tick);
      if (rest > 0) await sleep(rest);
    }
    const after = lastProbe(probeFile);
    samples.push([
      (after.t - warm.t) / 60_000,
      after.rss / MiB,
      after.heapUsed / MiB,
    ]);
    options.onWindow?.('P4 churn', churnFrom, monotonicUs());
    const rssTrend = slope(samples.map(([t, r]) => [t, r]));
    const heapTrend = slope(samples.map(([t, , h]) => [t, h]));
    const churnLoad = load();

    // KEDA: the scaling endpoint, open loop, every pool twice (two clusters' ScaledObjects).
    log(
      `P4: KEDA scaling endpoint, ${sizes.kedaRps} req/s for ${sizes.kedaS} s`,
    );
    const kedaLoad = load();
    const cpuBefore = lastProbe(probeFile);
    const kedaFrom = monotonicUs();
    const kedaRun = await openLoop(sizes.kedaRps, sizes.kedaS, async i => {
      const res = await keda.raw(
        'GET',
        `/scaling/pools/${pools[i % pools.length].id}`,
      );
      if (res.status !== 200)
        throw new Error(`scaling signal answered ${res.status}`);
    });
    options.onWindow?.('P4 KEDA load', kedaFrom, monotonicUs());
    await sleep(1100);
    const cpuAfter = lastProbe(probeFile);
    const kedaCpu =
      (cpuAfter.cpuUs - cpuBefore.cpuUs) / 1000 / (cpuAfter.t - cpuBefore.t);
    // Baseline: the same open loop against the backend's liveness route (no auth, no work):
    // this process's HTTP floor under the same rate.
    const baseS = Math.max(3, Math.round(sizes.kedaS / 4));
    const live0 = lastProbe(probeFile);
    const liveRun = await openLoop(sizes.kedaRps, baseS, async () => {
      const res = await fetch(`${backend.url}/.backstage/health/v1/liveness`);
      await res.arrayBuffer();
    });
    await sleep(1100);
    const live1 = lastProbe(probeFile);
    const liveCpu = (live1.cpuUs - live0.cpuUs) / 1000 / (live1.t - live0.t);

    // Baseline: the same build on an empty control plane and database, after the same warm-up.
    log('P4: memory baseline: the same backend with an empty fleet');
    const emptyProbe = join(options.plane.dataDir, 'bench-memory-empty.jsonl');
    writeFileSync(emptyProbe, '');
    const empty = await options.startEmpty(mode, productionDir, {
      RUNNER_FLEET_BENCH_PROBE: emptyProbe,
      NODE_OPTIONS: `--require ${join(__dirname, 'lib/memoryProbe.cjs')}`,
    });
    let bare: Probe;
    try {
      await sleep(sizes.warmupS * 1000);
      bare = lastProbe(emptyProbe);
    } finally {
      await empty.stop();
    }

    // GitLab: everything the backend sent since warm-up (churn + KEDA windows), without the
    // registrations the bench itself made on behalf of the VMs.
    const minutes = (performance.now() - gitlabStart.at) / 60_000;
    const routes = [...emulator.calls.byRoute.entries()]
      .map(([route, n]) => [route, n - (byRouteStart.get(route) ?? 0)] as const)
      .filter(
        ([route, n]) =>
          n > 0 && !route.startsWith('POST /api/v4/runners/verify'),
      );
    const backendCalls = routes.reduce((s, [, n]) => s + n, 0);
    const perMin = backendCalls / minutes;
    const a = latencies(kedaRun.times);
    const b = latencies(liveRun.times);
    const rows: Row[] = [
      {
        bench: 'P4',
        metric: `RSS / heap used after warm-up (${fleet.vmis} VMIs, ${pools.length} pools)`,
        fleet: `${(warm.rss / MiB).toFixed(0)} / ${(
          warm.heapUsed / MiB
        ).toFixed(0)} MiB`,
        baseline: `same build, empty fleet ${(bare.rss / MiB).toFixed(0)} / ${(
          bare.heapUsed / MiB
        ).toFixed(0)} MiB`,
        ratio: `fleet adds ${((warm.rss - bare.rss) / MiB).toFixed(0)} / ${(
          (warm.heapUsed - bare.heapUsed) /
          MiB
        ).toFixed(0)} MiB (${(
          (warm.heapUsed - bare.heapUsed) /
          1024 /
          fleet.vmis
        ).toFixed(1)} KiB heap per VMI; raw JSON ${(rawBytes / MiB).toFixed(
          0,
        )} MiB)`,
        target: 'RSS < 300 MB',
        pass: warm.rss < 300 * 1e6,
        load: churnLoad,
      },
      {
        bench: 'P4',
        metric: `RSS / heap after ${sizes.churnS} s churn (${churned} VMIs replaced)`,
        fleet: `${(after.rss / MiB).toFixed(0)} / ${(
          after.heapUsed / MiB
        ).toFixed(0)} MiB`,
        baseline: `after warm-up ${(warm.rss / MiB).toFixed(0)} / ${(
          warm.heapUsed / MiB
        ).toFixed(0)} MiB`,
        ratio: `trend RSS ${rssTrend >= 0 ? '+' : ''}${rssTrend.toFixed(
          1,
        )}, heap ${heapTrend >= 0 ? '+' : ''}${heapTrend.toFixed(1)} MiB/min`,
        target: 'RSS < 300 MB, no growth',
        pass: after.rss < 300 * 1e6 && rssTrend < 1,
        load: churnLoad,
      },
      {
        bench: 'P4',
        metric: `KEDA scaling endpoint, ${sizes.kedaRps} req/s × ${sizes.kedaS} s (p50 / p99; CPU)`,
        fleet: `${ms(a.p50)} / ${ms(a.p99)}; ${(kedaCpu * 100).toFixed(
          0,
        )}% of a core${failed(kedaRun.errors)}`,
        baseline: `liveness route ${ms(b.p50)} / ${ms(b.p99)}; ${(
          liveCpu * 100
        ).toFixed(0)}% (${baseS} s${failed(liveRun.errors)})`,
        ratio: `p99 ${(a.p99 / b.p99).toFixed(2)}× the liveness route`,
        target: '',
        load: kedaLoad,
      },
      {
        bench: 'P4',
        metric: `GitLab requests/min, CI poller + sweeper (${pools.length} pools, ${fleet.vmis} managers)`,
        fleet: `${perMin.toFixed(0)}/min`,
        baseline: `limit ${SELF_MANAGED_PER_MIN}/min self-managed default, ${GITLAB_COM_PER_MIN}/min GitLab.com`,
        ratio: `${((perMin / SELF_MANAGED_PER_MIN) * 100).toFixed(0)}% / ${(
          (perMin / GITLAB_COM_PER_MIN) *
          100
        ).toFixed(0)}%`,
        target: '< 10% of the limit',
        pass: perMin / SELF_MANAGED_PER_MIN < 0.1,
        load: load(),
      },
    ];
    notes.push(
      `P4 memory after warm-up, MiB — with the fleet: ${breakdown(
        warm,
      )}; same build with an empty fleet: ${breakdown(
        bare,
      )}. The rest of RSS is code, the V8 and Node runtime and native libraries (SQLite, TLS).`,
      `P4 memory samples during churn (minutes since warm-up, RSS MiB, heap used MiB): ${samples
        .map(([t, r, h]) => `${t.toFixed(1)}: ${r.toFixed(0)}/${h.toFixed(0)}`)
        .join(', ')}. Churn was shortened from the issue's 30 min to ${
        sizes.churnS
      } s to fit the 20-minute budget; the trend is a least-squares slope over these samples.`,
      `P4 GitLab calls over ${minutes.toFixed(
        1,
      )} min (the backend's own; the bench's runner-manager registrations excluded): ${routes
        .map(([r, n]) => `${r} ${n}`)
        .join(
          ', ',
        )}. Pools use one group scope, not 100 projects (pending-jobs requests are one per scope per round). Limits from /work/shared/reference/gitlab/rate_limits.json: self-managed authenticated API default 7,200/h when enabled; GitLab.com 2,000/min per user.`,
    );
    return { rows, notes };
  } finally {
    keda.close();
  }
}
