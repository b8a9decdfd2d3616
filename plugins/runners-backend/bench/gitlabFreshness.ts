/*
 * Issue #22, GitLab freshness under GitLab.com's authenticated API limit: the product's real
 * CiPoller + GitLabCiProvider + GitLabBudget polling 1,000 pools' runners across 250 group scopes
 * of 20 projects each, against the GitLab emulator enforcing 2,000 requests/min per token. No
 * Kubernetes: the runners are registered in the emulator directly, the pools are in memory.
 *
 * The product (budget `runners.gitlab.requestsPerMinute` 2,000, the fleet bot's token) and the
 * baseline (the old plan: 300/min, 200 requests per round, the admin's token, so each has its
 * own quota at the emulator) run side by side for the same minutes.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  EmulatorSeed,
  defaultSeed,
  seedTokens,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { GitLabBudget } from '../src/ci/GitLabBudget';
import { GitLabCiProvider } from '../src/ci/GitLabCiProvider';
import type { PoolRecord } from '../src/database/PoolStore';
import {
  CiPoller,
  POLLER_SHARE,
  PENDING_READS_PER_MINUTE,
} from '../src/fleet/CiPoller';
import { quietLogger } from './lib/quietLogger';
import { Row } from './lib/report';
import { load, percentile } from './lib/stats';

/** Sizes of the freshness run. */
export interface FreshnessSizes {
  pools: number;
  groups: number;
  projectsPerGroup: number;
  /** Real-time seconds each poller runs. */
  seconds: number;
}

const ROUND_SECONDS = 15;
const SAMPLE_SECONDS = 5;

type Series = { oldest: number[]; pool: number[]; scope: number[] };

function seedFor(sizes: FreshnessSizes): EmulatorSeed {
  const groups = Array.from({ length: sizes.groups }, (_, g) => ({
    path: `scale-${g}`,
    name: `Scale ${g}`,
    parent: 'engineering',
  }));
  const projects = groups.flatMap(g =>
    Array.from({ length: sizes.projectsPerGroup }, (_, p) => ({
      path: `app-${p}`,
      name: `App ${p}`,
      group: `engineering/${g.path}`,
    })),
  );
  return {
    ...defaultSeed,
    groups: [...defaultSeed.groups, ...groups],
    projects: [...defaultSeed.projects, ...projects],
  };
}

/** One poller as the product runs it: a round every 15 s, its snapshots' ages sampled every 5 s. */
async function runPoller(options: {
  ci: GitLabCiProvider;
  budget: GitLabBudget;
  requestsPerRound?: number;
  pools: PoolRecord[];
  seconds: number;
}): Promise<Series & { requests: number; minutes: number }> {
  const poller = CiPoller.create({
    ci: options.ci,
    logger: quietLogger(),
    budget: options.budget,
    roundSeconds: ROUND_SECONDS,
    requestsPerRound: options.requestsPerRound,
  });
  const { pools } = options;
  const series: Series = { oldest: [], pool: [], scope: [] };
  const t0 = performance.now();
  const end = t0 + options.seconds * 1000;
  const sampler = setInterval(() => {
    const now = Date.now();
    let pool = 0;
    let scope = 0;
    for (const p of pools) {
      const s = poller.snapshot(p.id);
      const created = Date.parse(p.createdAt);
      pool = Math.max(pool, now - (s?.polledAt ?? created));
      scope = Math.max(scope, now - (s?.pendingPolledAt ?? created));
    }
    series.oldest.push(poller.oldestAgeSeconds(pools, now) ?? 0);
    series.pool.push(pool / 1000);
    series.scope.push(scope / 1000);
  }, SAMPLE_SECONDS * 1000);
  const before = options.budget.requestsMade;
  while (performance.now() < end) {
    const started = performance.now();
    await poller.poll(pools);
    const wait = ROUND_SECONDS * 1000 - (performance.now() - started);
    if (wait > 0 && performance.now() + wait < end) await sleep(wait);
    else if (wait > 0) break;
  }
  clearInterval(sampler);
  const minutes = (performance.now() - t0) / 60_000;
  return {
    ...series,
    requests: options.budget.requestsMade - before,
    minutes,
  };
}

const s = (v: number) => `${Math.round(v)} s`;

/** Runs the product and the baseline poller side by side; rows and notes for bench:scale. */
export async function runGitLabFreshness(options: {
  sizes: FreshnessSizes;
  log: (line: string) => void;
}): Promise<{ rows: Row[]; notes: string[] }> {
  const { sizes, log } = options;
  const emulator = await startGitLabEmulator({ seed: seedFor(sizes) });
  try {
    const settings = (token: string, requestsPerMinute: number) => ({
      baseUrl: emulator.url,
      token,
      requestsPerMinute,
      maxRetryWaitSeconds: 60,
    });
    log(`freshness: registering ${sizes.pools} runners in the emulator`);
    const setup = GitLabCiProvider.create({
      settings: settings(seedTokens.admin, 1_000_000),
      logger: quietLogger(),
    });
    const createdAt = new Date().toISOString();
    const pools: PoolRecord[] = [];
    for (let i = 0; i < sizes.pools; i += 16) {
      const batch = Array.from(
        { length: Math.min(16, sizes.pools - i) },
        (_, k) => i + k,
      );
      pools.push(
        ...(await Promise.all(
          batch.map(async n => {
            const scope = {
              type: 'group' as const,
              path: `engineering/scale-${n % sizes.groups}`,
            };
            const gitlab = { scope, tags: [`pool-${n}`], runUntagged: true };
            const { id } = await setup.createRunner({
              poolId: `p${n}`,
              team: 'scale',
              poolName: `pool-${n}`,
              ...gitlab,
            });
            // The fields the poller reads; the rest of a pool does not matter here.
            return {
              id: `p${n}`,
              team: 'scale',
              name: `pool-${n}`,
              createdAt,
              gitlabRunnerId: id,
              spec: { gitlab },
            } as unknown as PoolRecord;
          }),
        )),
      );
    }
    // Pending jobs in one project of every fifth group.
    for (let g = 0; g < sizes.groups; g += 5)
      await emulator.control.enqueueJobs({
        project: `engineering/scale-${g}/app-0`,
        count: 2,
      });
    // Setup done: from here on GitLab.com's authenticated limit, per token.
    emulator.rateLimit.set({ requestsPerPeriod: 2000 });
    const before = emulator.rateLimit.stats();
    const product = GitLabBudget.create({ requestsPerMinute: 2000 });
    const old = GitLabBudget.create({ requestsPerMinute: 300 });
    log(`freshness: product and baseline pollers for ${sizes.seconds} s`);
    const [fleet, base] = await Promise.all([
      runPoller({
        ci: GitLabCiProvider.create({
          settings: settings(seedTokens.fleetBot, 2000),
          logger: quietLogger(),
          budget: product,
        }),
        budget: product,
        pools,
        seconds: sizes.seconds,
      }),
      runPoller({
        ci: GitLabCiProvider.create({
          settings: settings(seedTokens.admin, 300),
          logger: quietLogger(),
          budget: old,
        }),
        budget: old,
        requestsPerRound: 200,
        pools,
        seconds: sizes.seconds,
      }),
    ]);
    const after = emulator.rateLimit.stats();
    const throttled = after.throttled - before.throttled;
    const p95 = (v: number[]) => percentile(v, 95);
    const max = (v: number[]) => Math.max(0, ...v);
    const ratio = (a: number, b: number) =>
      a > 0 ? `${(b / a).toFixed(1)}× fresher` : '';
    const l = load();
    const row = (
      metric: string,
      f: string,
      b: string,
      r: string,
      target: string,
      pass?: boolean,
    ): Row => ({
      bench: '#22',
      metric,
      fleet: f,
      baseline: b,
      ratio: r,
      target,
      pass,
      load: l,
    });
    const scopeCost = 1 + sizes.projectsPerGroup;
    const poolsPerMin = 2000 * POLLER_SHARE - PENDING_READS_PER_MINUTE;
    const rows = [
      row(
        `oldest CI snapshot age p95 (max), ${sizes.pools} pools / ${sizes.groups} group scopes`,
        `${s(p95(fleet.oldest))} (${s(max(fleet.oldest))})`,
        `${s(p95(base.oldest))} (${s(max(base.oldest))})`,
        ratio(p95(fleet.oldest), p95(base.oldest)),
        '≤ 60 s at 2,000/min',
        p95(fleet.oldest) <= 60,
      ),
      row(
        'pool-data age p95 (managers, running, recent jobs)',
        s(p95(fleet.pool)),
        s(p95(base.pool)),
        ratio(p95(fleet.pool), p95(base.pool)),
        '',
      ),
      row(
        `scope-data age p95 (pending jobs, ${scopeCost} requests a scope)`,
        s(p95(fleet.scope)),
        s(p95(base.scope)),
        ratio(p95(fleet.scope), p95(base.scope)),
        '',
      ),
      row(
        'GitLab requests/min made (429s received, both pollers)',
        `${(fleet.requests / fleet.minutes).toFixed(
          0,
        )}/min (${throttled} × 429)`,
        `${(base.requests / base.minutes).toFixed(0)}/min`,
        '',
        '≤ 2,000/min, 0 × 429',
        fleet.requests / fleet.minutes <= 2000 && throttled === 0,
      ),
    ];
    const poolCycle = (3 * sizes.pools) / poolsPerMin;
    const scopeCycle = (sizes.groups * scopeCost) / PENDING_READS_PER_MINUTE;
    const notes = [
      `GitLab freshness (bench/gitlabFreshness.ts): ${
        sizes.pools
      } runners registered in the GitLab emulator across ${
        sizes.groups
      } groups of ${
        sizes.projectsPerGroup
      } projects (2 pending jobs in one project of every fifth group), polled by the product's CiPoller + GitLabCiProvider + GitLabBudget, a round every ${ROUND_SECONDS} s, for ${Math.round(
        fleet.minutes * 60,
      )} s of real time; the emulator enforces GitLab.com's authenticated limit (2,000 requests/min per token). Product: budget 2,000/min, fleet bot's token; baseline (the old plan): 300/min and 200 requests a round, the admin's token; both at once, each within its own quota. Ages sampled every ${SAMPLE_SECONDS} s; a pool or scope not read yet counts from the run's start, as \`oldestAgeSeconds\` does.`,
      `Formula (BENCHMARKS.md, "GitLab requests the product makes now"): pools get ${poolsPerMin}/min of the poller's ${
        2000 * POLLER_SHARE
      }/min at 3 requests each → every pool read every ${poolCycle.toFixed(
        1,
      )} min; scopes get ${PENDING_READS_PER_MINUTE}/min at ${scopeCost} each → every scope every ${scopeCycle.toFixed(
        1,
      )} min. A run shorter than a scope cycle sees scope ages grow for its whole length (the never-read scopes count from the start), so the oldest age is bounded by the run, not yet by the cycle. The ≤ 60 s target is not reachable with these endpoints at this size and budget.`,
      `The oldest-snapshot row is the poller's own \`oldestAgeSeconds\`: a pool whose scope was never read counts only its pool data (\`snapshotAgeMs\` ignores a missing \`pendingPolledAt\`), so until every scope's first read it reads lower than the scope-data row; not changed here.`,
    ];
    return { rows, notes };
  } finally {
    await emulator.stop();
  }
}
