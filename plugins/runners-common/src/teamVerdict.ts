import type { Advice, Showback } from './capacity';
import type { PoolHealth, TeamHealth } from './health';
import { isErrorReason, toPoolReasonCode } from './poolReasons';

/**
 * How a team's CI capacity is doing, in one word.
 *
 * @public
 */
export type TeamVerdictLevel = 'healthy' | 'degraded' | 'failing';

/**
 * Why a team has its verdict, as a code to decide on (UIs and tests use the code, people read
 * the message).
 *
 * @public
 */
export type TeamVerdictReasonCode =
  | 'PoolFailed'
  | 'ProvisioningStuck'
  | 'JobsWaitWithoutRunners'
  | 'PoolDegraded'
  | 'RunnersOffline'
  | 'RunnersStale'
  | 'SlowQueue'
  | 'Saturated'
  | 'GhostRunners'
  | 'StaleData'
  | 'AllRunning'
  | 'NoPools';

/**
 * One reason behind a team verdict.
 *
 * @public
 */
export interface TeamVerdictReason {
  code: TeamVerdictReasonCode;
  level: TeamVerdictLevel;
  message: string;
  /** The pool the reason is about, if one. */
  poolId?: string;
}

/**
 * A runner manager as the pool health reports it (`VmHealth.manager`).
 *
 * @public
 */
export interface RunnerManagerContact {
  contactedAt?: string;
  firstContactAt?: string;
}

/**
 * A pool's place in the team's load.
 *
 * @public
 */
export interface PoolLoad {
  poolId: string;
  name: string;
  /** Share of job slots busy, 0–1: the 24 h average when known, else now. */
  utilization: number;
}

/**
 * Everything a team lead reads first: the verdict with its reasons, runners, waiting jobs,
 * load, cost and the one change to make.
 *
 * @public
 */
export interface TeamVerdict {
  team: string;
  level: TeamVerdictLevel;
  /** Worst first. */
  reasons: TeamVerdictReason[];
  /**
   * Runner managers by GitLab's definitions: online = contacted in the last 2 hours, stale = no
   * contact for more than 7 days, offline = the rest.
   */
  runners: { online: number; offline: number; stale: number };
  /** Jobs waiting now; wait percentiles of the slowest pool (each the highest pool's, seconds). */
  queue: {
    pending: number;
    waitSeconds: { p50?: number; p90?: number; p95?: number; p99?: number };
  };
  busiest?: PoolLoad;
  idlest?: PoolLoad;
  cost: {
    /** Last 24 h in cost-weight units (one m1.large VM-hour is 1). */
    last24h: number;
    /** Month to date in cost-weight units, when the showback and flavor weights were given. */
    monthToDate?: number;
    /** Month to date in `currency`, when the backend prices usage. */
    monthToDatePrice?: number;
    currency?: string;
  };
  /** The first advice for the team's pools, if any. */
  topAdvice?: Advice;
}

/**
 * What {@link teamVerdict} decides on: the existing health, showback and advice answers.
 *
 * @public
 */
export interface TeamVerdictInput {
  health: TeamHealth;
  /**
   * The team's runner managers (from each pool's health detail). Without them, ready VMs count
   * as online and nothing as offline or stale.
   */
  managers?: RunnerManagerContact[];
  /** The team's showback from the start of the month. */
  showback?: Showback;
  /** Cost weight per flavor name, to turn the showback's VM-hours into cost units. */
  costWeights?: Record<string, number>;
  advice?: Advice[];
  now?: Date;
  /** Queue wait p95 above which jobs wait too long. Default 300 s. */
  slowQueueSeconds?: number;
  /** CI data older than this no longer shows the present. Default 600 s. */
  staleDataSeconds?: number;
}

const HOUR_MS = 3600_000;
const ONLINE_MS = 2 * HOUR_MS;
const STALE_MS = 7 * 24 * HOUR_MS;
const SATURATED = 0.9;
const RANK: Record<TeamVerdictLevel, number> = {
  failing: 0,
  degraded: 1,
  healthy: 2,
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function countRunners(
  input: TeamVerdictInput,
  pools: PoolHealth[],
): TeamVerdict['runners'] {
  if (!input.managers && pools.length && pools.every(p => p.runners)) {
    // The health API counts each pool's managers by GitLab's definitions: sum them.
    return pools.reduce(
      (sum, p) => ({
        online: sum.online + p.runners!.online,
        offline: sum.offline + p.runners!.offline,
        stale: sum.stale + p.runners!.stale,
      }),
      { online: 0, offline: 0, stale: 0 },
    );
  }
  if (!input.managers) {
    // A VM still booting is not an offline runner: without contact times, only count online.
    const online = pools.reduce((n, p) => n + p.replicas.ready, 0);
    return { online, offline: 0, stale: 0 };
  }
  const now = (input.now ?? new Date()).getTime();
  const runners = { online: 0, offline: 0, stale: 0 };
  for (const m of input.managers) {
    const seen = m.contactedAt ?? m.firstContactAt;
    const age = seen ? now - Date.parse(seen) : Infinity;
    if (age <= ONLINE_MS) runners.online++;
    else if (age > STALE_MS && seen) runners.stale++;
    else runners.offline++;
  }
  return runners;
}

function load(p: PoolHealth): PoolLoad {
  return {
    poolId: p.poolId,
    name: p.name,
    utilization: p.utilization.avg24h ?? p.utilization.now,
  };
}

function poolReasons(
  p: PoolHealth,
  slowQueueSeconds: number,
): TeamVerdictReason[] {
  const reasons: TeamVerdictReason[] = [];
  const at = { poolId: p.poolId };
  if (p.state === 'failed') {
    reasons.push({
      ...at,
      code: 'PoolFailed',
      level: 'failing',
      message: `pool ${p.name} failed: ${p.stateReason}`,
    });
  } else if (
    p.state === 'provisioning' &&
    isErrorReason(toPoolReasonCode(p.stateCode))
  ) {
    reasons.push({
      ...at,
      code: 'ProvisioningStuck',
      level: 'failing',
      message: `pool ${p.name} is stuck provisioning: ${p.stateReason}`,
    });
  } else if (p.state === 'degraded') {
    reasons.push({
      ...at,
      code: 'PoolDegraded',
      level: 'degraded',
      message: `pool ${p.name} is degraded: ${p.stateReason}`,
    });
  }
  const p95 = p.queue.waitSeconds.p95;
  if (p95 !== undefined && p95 > slowQueueSeconds) {
    reasons.push({
      ...at,
      code: 'SlowQueue',
      level: 'degraded',
      message: `jobs on ${p.name} wait ${Math.round(
        p95,
      )} s at p95 (more than ${slowQueueSeconds} s)`,
    });
  }
  if (p.scaler.atMax && p.utilization.now >= SATURATED) {
    reasons.push({
      ...at,
      code: 'Saturated',
      level: 'degraded',
      message: `pool ${p.name} is at its maximum of ${
        p.replicas.max
      } VMs with ${Math.round(p.utilization.now * 100)}% of job slots busy`,
    });
  }
  const ghosts = p.ghosts.runners + p.ghosts.managers + p.ghosts.vms;
  if (ghosts > 0) {
    reasons.push({
      ...at,
      code: 'GhostRunners',
      level: 'degraded',
      message: `pool ${p.name} has ${plural(
        ghosts,
        'ghost',
      )} (runners, managers or VMs without a counterpart) waiting for the sweeper`,
    });
  }
  return reasons;
}

function monthToDate(
  input: TeamVerdictInput,
): Pick<TeamVerdict['cost'], 'monthToDate' | 'monthToDatePrice' | 'currency'> {
  const { showback, costWeights, health } = input;
  if (!showback) return {};
  const rows = showback.rows.filter(r => r.team === health.team);
  const weights = costWeights ?? {};
  const weighted = rows.every(r => weights[r.flavor] !== undefined)
    ? rows.reduce((sum, r) => sum + r.vmHours * weights[r.flavor], 0)
    : undefined;
  const priced = showback.currency
    ? showback.teams.find(t => t.team === health.team)?.cost ?? 0
    : undefined;
  return {
    monthToDate: weighted,
    monthToDatePrice: priced,
    currency: showback.currency,
  };
}

/**
 * The team's verdict: `failing` when a pool failed or is stuck, or jobs wait with no runner
 * online; `degraded` when a pool is degraded or saturated, runners are offline or stale, jobs
 * wait longer than `slowQueueSeconds`, ghosts wait for the sweeper or the CI data is stale;
 * `healthy` otherwise. Pools awaiting approval, rejected or being deleted run nothing and do not
 * count against the team.
 *
 * @public
 */
export function teamVerdict(input: TeamVerdictInput): TeamVerdict {
  const { health } = input;
  const slowQueueSeconds = input.slowQueueSeconds ?? 300;
  const staleDataSeconds = input.staleDataSeconds ?? 600;
  const active = health.pools.filter(
    p =>
      !['pending-approval', 'rejected', 'deleting', 'deleted'].includes(
        p.state,
      ),
  );
  const runners = countRunners(input, active);
  const reasons = active.flatMap(p => poolReasons(p, slowQueueSeconds));
  const pending = health.totals.pending;
  if (pending > 0 && runners.online === 0) {
    reasons.push({
      code: 'JobsWaitWithoutRunners',
      level: 'failing',
      message: `${plural(pending, 'job')} wait${
        pending === 1 ? 's' : ''
      } and no runner is online`,
    });
  }
  if (runners.offline > 0) {
    reasons.push({
      code: 'RunnersOffline',
      level: 'degraded',
      message: `${plural(
        runners.offline,
        'runner',
      )} offline (no contact in the last 2 hours)`,
    });
  }
  if (runners.stale > 0) {
    reasons.push({
      code: 'RunnersStale',
      level: 'degraded',
      message: `${plural(
        runners.stale,
        'runner',
      )} stale (no contact for more than 7 days)`,
    });
  }
  if (
    health.dataAgeSeconds !== undefined &&
    health.dataAgeSeconds > staleDataSeconds
  ) {
    reasons.push({
      code: 'StaleData',
      level: 'degraded',
      message: `the CI data is ${Math.round(
        health.dataAgeSeconds / 60,
      )} min old: GitLab has not been read since`,
    });
  }
  if (reasons.length === 0) {
    reasons.push(
      active.length === 0
        ? {
            code: 'NoPools',
            level: 'healthy',
            message: 'no pool runs yet',
          }
        : {
            code: 'AllRunning',
            level: 'healthy',
            message: `${plural(active.length, 'pool')} running, ${
              runners.online
            } online, no job waits too long`,
          },
    );
  }
  reasons.sort((a, b) => RANK[a.level] - RANK[b.level]);

  const waits = active.map(p => p.queue.waitSeconds);
  const max = (values: Array<number | undefined>) => {
    const known = values.filter((v): v is number => v !== undefined);
    return known.length ? Math.max(...known) : undefined;
  };
  const loads = active.filter(p => p.utilization.totalSlots > 0).map(load);
  loads.sort((a, b) => b.utilization - a.utilization);

  return {
    team: health.team,
    level: reasons[0].level,
    reasons,
    runners,
    queue: {
      pending,
      waitSeconds: {
        p50: max(waits.map(w => w.p50)),
        p90: max(waits.map(w => w.p90)),
        p95: max(waits.map(w => w.p95)),
        p99: max(waits.map(w => w.p99)),
      },
    },
    busiest: loads[0],
    idlest: loads.length > 1 ? loads[loads.length - 1] : undefined,
    cost: { last24h: health.totals.weightedCost24h, ...monthToDate(input) },
    topAdvice: input.advice?.find(a => a.team === health.team),
  };
}
