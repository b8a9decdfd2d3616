import { toError } from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import { PoolHealth } from '@runner-fleet/plugin-runners-common';
import { CiJob } from '@runner-fleet/plugin-runners-node';
import {
  HistoryPoint,
  HistoryStore,
  HistoryTotals,
  JobFigures,
  MinuteSample,
  WAIT_BINS,
} from '../database/HistoryStore';
import { PoolRecord } from '../database/PoolStore';
import { CiPoolSnapshot } from './CiPoller';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Utilisation and 24 h cost are re-read at most this often (one sampling interval). */
const SHORT_READ_MS = 30_000;
/** The 30-day sums move slowly; re-reading them every few minutes is plenty. */
const MONTH_READ_MS = 5 * MINUTE;
const CHART_STEP_MS = 5 * MINUTE;

/** What a pool's health takes from the history: utilisation averages and cost sums. */
export interface PoolHistoryFigures {
  /** busy / total slot-seconds over the last hour, undefined without capacity. */
  avg1h?: number;
  avg24h?: number;
  day?: HistoryTotals;
  month?: HistoryTotals;
}

/** busy / total slot-seconds, rounded to 0.001; undefined when the pool had no capacity. */
function utilization(totals: HistoryTotals | undefined): number | undefined {
  if (!totals || totals.totalSlotSeconds <= 0) return undefined;
  return (
    Math.round((totals.busySlotSeconds / totals.totalSlotSeconds) * 1000) / 1000
  );
}

const ms = (iso?: string) => (iso ? new Date(iso).getTime() : NaN);

/** How GitLab fails a job whose runner went away under it. */
const INTERRUPTED = new Set([
  'runner_system_failure',
  'stuck_or_timeout_failure',
]);

/** Run times and queue waits of the jobs that finished or started in [from, from + 1 min). */
export function jobFigures(jobs: CiJob[], from: number): JobFigures {
  const inBucket = (t: number) => t >= from && t < from + MINUTE;
  const finished = jobs.filter(
    j => inBucket(ms(j.finishedAt)) && !Number.isNaN(ms(j.startedAt)),
  );
  const waits = jobs
    .filter(
      j => inBucket(ms(j.startedAt)) && j.queuedDurationSeconds !== undefined,
    )
    .map(j => j.queuedDurationSeconds!)
    .sort((a, b) => a - b);
  const histogram = new Array<number>(WAIT_BINS.length + 1).fill(0);
  for (const w of waits) {
    const bin = WAIT_BINS.findIndex(bound => w <= bound);
    histogram[bin === -1 ? WAIT_BINS.length : bin]++;
  }
  return {
    finished: finished.length,
    interrupted: finished.filter(
      j => j.status === 'failed' && INTERRUPTED.has(j.failureReason ?? ''),
    ).length,
    jobSeconds: finished.reduce(
      (acc, j) => acc + (ms(j.finishedAt) - ms(j.startedAt)) / 1000,
      0,
    ),
    started: waits.length,
    waitSecondsSum: waits.reduce((a, b) => a + b, 0),
    waitSecondsMax: waits.length ? waits[waits.length - 1] : 0,
    waitHistogram: histogram,
    waitP95: waits.length
      ? waits[Math.max(0, Math.ceil(0.95 * waits.length) - 1)]
      : undefined,
  };
}

/** One pool as the last refresh saw it, for a sample. */
export interface SampledPool {
  pool: PoolRecord;
  health: PoolHealth;
  ci?: CiPoolSnapshot;
}

/**
 * The fleet history as FleetService uses it: writes minute samples to the {@link HistoryStore}
 * (on the one replica that runs the sampling task) and keeps the last read of the sums every
 * replica serves, so a request never waits on an aggregate query.
 */
export class FleetHistory {
  readonly #store: HistoryStore;
  readonly #logger: LoggerService;
  #hour = new Map<string, HistoryTotals>();
  #day = new Map<string, HistoryTotals>();
  #month = new Map<string, HistoryTotals>();
  #shortReadAt = -Infinity;
  #monthReadAt = -Infinity;
  readonly #charts = new Map<string, { at: number; points: HistoryPoint[] }>();
  /** Job figures this process last wrote per pool, to correct a minute once it is complete. */
  readonly #lastJobs = new Map<string, { bucket: number; json: string }>();

  static create(options: { store: HistoryStore; logger: LoggerService }) {
    return new FleetHistory(options.store, options.logger);
  }

  private constructor(store: HistoryStore, logger: LoggerService) {
    this.#store = store;
    this.#logger = logger;
  }

  /** Re-reads the sums from the database when the last read is older than its interval. */
  async load(now: number): Promise<void> {
    try {
      if (now - this.#shortReadAt >= SHORT_READ_MS) {
        [this.#hour, this.#day] = await Promise.all([
          this.#store.totals(now - HOUR),
          this.#store.totals(now - DAY),
        ]);
        this.#shortReadAt = now;
      }
      if (now - this.#monthReadAt >= MONTH_READ_MS) {
        this.#month = await this.#store.totals(now - 30 * DAY);
        this.#monthReadAt = now;
      }
    } catch (error) {
      // Health keeps serving the last figures read; the next refresh tries again.
      this.#logger.warn(
        'fleet history: could not read the history',
        toError(error),
      );
    }
  }

  /** The pool's figures as of the last {@link FleetHistory.load}. */
  figures(poolId: string): PoolHistoryFigures {
    return {
      avg1h: utilization(this.#hour.get(poolId)),
      avg24h: utilization(this.#day.get(poolId)),
      day: this.#day.get(poolId),
      month: this.#month.get(poolId),
    };
  }

  /** The pool's last 24 h in 5-minute points (read at most once per sampling interval). */
  async chart(poolId: string, now: number): Promise<HistoryPoint[]> {
    const cached = this.#charts.get(poolId);
    if (cached && now - cached.at < SHORT_READ_MS) return cached.points;
    const points = await this.#store.series(poolId, now - DAY, CHART_STEP_MS);
    this.#charts.set(poolId, { at: now, points });
    return points;
  }

  /**
   * Writes this minute's sample of every pool, and corrects the job figures of the previous
   * minute: jobs that finished after its sample was taken. Safe to run on two replicas at once.
   */
  async record(now: number, pools: SampledPool[]): Promise<void> {
    const bucket = Math.floor(now / MINUTE) * MINUTE;
    const samples: MinuteSample[] = [];
    const late: Array<{ poolId: string; at: number; jobs: JobFigures }> = [];
    for (const { pool, health, ci } of pools) {
      const jobs = jobFigures(ci?.recent ?? [], bucket);
      samples.push({
        poolId: pool.id,
        at: now,
        team: pool.team,
        poolName: pool.name,
        flavor: pool.flavor,
        vms: health.replicas.current,
        burstVms: health.burst.replicas,
        busySlots: health.utilization.busySlots,
        totalSlots: health.utilization.totalSlots,
        pending: health.queue.pending,
        jobs,
      });
      const previous = this.#lastJobs.get(pool.id);
      const before = bucket - MINUTE;
      const settled = jobFigures(ci?.recent ?? [], before);
      const json = JSON.stringify(settled);
      if (
        previous?.bucket === before
          ? previous.json !== json
          : settled.finished + settled.started > 0
      ) {
        late.push({ poolId: pool.id, at: before, jobs: settled });
      }
      this.#lastJobs.set(pool.id, { bucket, json: JSON.stringify(jobs) });
    }
    await this.#store.writeMinutes(samples);
    await this.#store.updateJobs(late);
    // The sampling replica shows its own sample at its next refresh; others within a read interval.
    this.#shortReadAt = -Infinity;
    this.#monthReadAt = -Infinity;
  }

  /** Rebuilds the last two hours' rollups (heals a race between writers), then prunes. */
  async prune(now: number) {
    await this.#store.rollup(now - 2 * HOUR);
    return this.#store.prune(now);
  }

  /** Drops a deleted pool's in-process state; its rows stay for showback until pruned. */
  forget(poolId: string): void {
    this.#charts.delete(poolId);
    this.#lastJobs.delete(poolId);
  }
}
