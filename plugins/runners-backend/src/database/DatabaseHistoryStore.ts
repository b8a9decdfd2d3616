import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { migratedClient } from './migrations';
import {
  HistoryPoint,
  HistoryStore,
  HistoryTotals,
  HourRollup,
  JobFigures,
  MinuteSample,
  WAIT_BINS,
} from './HistoryStore';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** How long one-minute samples are kept. */
export const MINUTE_RETENTION_MS = 48 * HOUR;
/** How long hourly rollups are kept. */
export const HOUR_RETENTION_MS = 90 * 24 * HOUR;
const MINUTES = 'runners_history_minutes';
const HOURS = 'runners_history_hours';
/** Rows per INSERT: ~30 columns each stays far below SQLite's and PostgreSQL's bind limits. */
const CHUNK = 200;

const SUMMED = {
  vmSeconds: 'vm_seconds',
  burstVmSeconds: 'burst_vm_seconds',
  vcpuSeconds: 'vcpu_seconds',
  gibSeconds: 'gib_seconds',
  weightedVmSeconds: 'weighted_vm_seconds',
  busySlotSeconds: 'busy_slot_seconds',
  totalSlotSeconds: 'total_slot_seconds',
  jobsFinished: 'jobs_finished',
  jobSeconds: 'job_seconds',
  jobsInterrupted: 'jobs_interrupted',
} as const;

type Row = Record<string, string | number | null>;

/** PostgreSQL returns bigint and aggregate columns as strings. */
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;
const chunks = <T>(list: T[]) =>
  Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) =>
    list.slice(i * CHUNK, (i + 1) * CHUNK),
  );

/** The p95 of a histogram: the upper bound of the bin holding the 95th percentile rank. */
export function histogramP95(
  histogram: number[],
  max: number,
): number | undefined {
  const count = histogram.reduce((a, b) => a + b, 0);
  if (count === 0) return undefined;
  const rank = Math.ceil(0.95 * count);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i];
    if (seen >= rank) return Math.min(WAIT_BINS[i] ?? max, max);
  }
  return max;
}

const addHistograms = (a: number[], b: number[]) =>
  Array.from(
    { length: WAIT_BINS.length + 1 },
    (_, i) => (a[i] ?? 0) + (b[i] ?? 0),
  );

function jobColumns(jobs: JobFigures): Row {
  return {
    jobs_finished: jobs.finished,
    job_seconds: jobs.jobSeconds,
    jobs_interrupted: jobs.interrupted,
    jobs_started: jobs.started,
    wait_seconds_sum: jobs.waitSecondsSum,
    wait_seconds_max: jobs.waitSecondsMax,
    wait_histogram: JSON.stringify(jobs.waitHistogram),
    wait_p95: jobs.waitP95 ?? null,
  };
}

function minuteRow(s: MinuteSample): Row {
  const seconds = MINUTE / 1000;
  const vmSeconds = (s.vms + s.burstVms) * seconds;
  return {
    pool_id: s.poolId,
    bucket_start: floorTo(s.at, MINUTE),
    team: s.team,
    pool_name: s.poolName,
    flavor: s.flavor.name,
    os: s.flavor.os,
    vcpu_per_vm: s.flavor.cpu,
    memory_gib_per_vm: s.flavor.memoryGiB,
    vm_seconds: vmSeconds,
    burst_vm_seconds: s.burstVms * seconds,
    vcpu_seconds: vmSeconds * s.flavor.cpu,
    gib_seconds: vmSeconds * s.flavor.memoryGiB,
    weighted_vm_seconds: vmSeconds * s.flavor.costWeight,
    busy_slot_seconds: s.busySlots * seconds,
    total_slot_seconds: s.totalSlots * seconds,
    pending_max: s.pending,
    vms: s.vms,
    burst_vms: s.burstVms,
    busy_slots: s.busySlots,
    total_slots: s.totalSlots,
    pending: s.pending,
    sampled_at: s.at,
    ...jobColumns(s.jobs),
  };
}

function toTotals(poolId: string, row?: Row): HistoryTotals {
  const totals = { poolId } as HistoryTotals;
  for (const [key, column] of Object.entries(SUMMED)) {
    totals[key as keyof typeof SUMMED] = num(row?.[column]);
  }
  return totals;
}

/** Sums the minute rows of one pool-hour into its rollup row. */
function rollupRow(minutes: Row[]): Row {
  const last = minutes[minutes.length - 1];
  const sum = (column: string) =>
    minutes.reduce((acc, m) => acc + num(m[column]), 0);
  const max = (column: string) =>
    minutes.reduce((acc, m) => Math.max(acc, num(m[column])), 0);
  const histogram = minutes.reduce<number[]>(
    (acc, m) => addHistograms(acc, JSON.parse(String(m.wait_histogram))),
    [],
  );
  const waitMax = max('wait_seconds_max');
  const row: Row = {
    pool_id: last.pool_id,
    bucket_start: floorTo(num(last.bucket_start), HOUR),
    team: last.team,
    pool_name: last.pool_name,
    flavor: last.flavor,
    os: last.os,
    vcpu_per_vm: num(last.vcpu_per_vm),
    memory_gib_per_vm: num(last.memory_gib_per_vm),
    jobs_started: sum('jobs_started'),
    wait_seconds_sum: sum('wait_seconds_sum'),
    wait_seconds_max: waitMax,
    wait_histogram: JSON.stringify(histogram),
    wait_p95: histogramP95(histogram, waitMax) ?? null,
    pending_max: max('pending_max'),
    minutes: minutes.length,
    vms_max: max('vms'),
    busy_slots_max: max('busy_slots'),
  };
  for (const column of Object.values(SUMMED)) row[column] = sum(column);
  return row;
}

function toHour(row: Row): HourRollup {
  const histogram: number[] = JSON.parse(String(row.wait_histogram));
  return {
    ...toTotals(String(row.pool_id), row),
    hour: num(row.bucket_start),
    team: String(row.team),
    poolName: String(row.pool_name),
    flavor: String(row.flavor),
    os: String(row.os),
    vcpuPerVm: num(row.vcpu_per_vm),
    memoryGiBPerVm: num(row.memory_gib_per_vm),
    minutes: num(row.minutes),
    vmsMax: num(row.vms_max),
    busySlotsMax: num(row.busy_slots_max),
    pendingMax: num(row.pending_max),
    jobsStarted: num(row.jobs_started),
    waitSecondsSum: num(row.wait_seconds_sum),
    waitSecondsMax: num(row.wait_seconds_max),
    waitHistogram: histogram,
    waitP95: row.wait_p95 === null ? undefined : num(row.wait_p95),
  };
}

/**
 * {@link HistoryStore} on the plugin's database (SQLite or PostgreSQL), migrated on create.
 * Every write is an upsert keyed by (pool, bucket start), and every rollup is recomputed from
 * the minutes rather than added to, so a repeated or concurrent write cannot count twice.
 */
export class DatabaseHistoryStore implements HistoryStore {
  readonly #db: Knex;

  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseHistoryStore> {
    const db = await migratedClient(options);
    return new DatabaseHistoryStore(db);
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  async writeMinutes(samples: MinuteSample[]): Promise<void> {
    if (samples.length === 0) return;
    for (const chunk of chunks(samples.map(minuteRow))) {
      await this.#db(MINUTES)
        .insert(chunk)
        .onConflict(['pool_id', 'bucket_start'])
        .merge();
    }
    await this.#rollupTouched(samples);
  }

  async updateJobs(
    updates: Array<{ poolId: string; at: number; jobs: JobFigures }>,
  ): Promise<void> {
    if (updates.length === 0) return;
    await this.#db.transaction(async trx => {
      for (const u of updates) {
        await trx(MINUTES)
          .where({ pool_id: u.poolId, bucket_start: floorTo(u.at, MINUTE) })
          .update(jobColumns(u.jobs));
      }
    });
    await this.#rollupTouched(updates);
  }

  async rollup(sinceMs: number): Promise<number> {
    return this.#rollupHours(floorTo(sinceMs, HOUR), undefined);
  }

  /** Recomputes the hours of the given pools that these writes touched. */
  async #rollupTouched(written: Array<{ poolId: string; at: number }>) {
    const byHour = new Map<number, Set<string>>();
    for (const w of written) {
      const hour = floorTo(w.at, HOUR);
      const pools = byHour.get(hour) ?? new Set<string>();
      pools.add(w.poolId);
      byHour.set(hour, pools);
    }
    for (const [hour, pools] of byHour) {
      for (const ids of chunks([...pools])) {
        await this.#rollupHours(hour, ids, hour + HOUR);
      }
    }
  }

  async #rollupHours(
    fromHour: number,
    poolIds: string[] | undefined,
    toMs?: number,
  ): Promise<number> {
    const query = this.#db<Row>(MINUTES)
      .where('bucket_start', '>=', fromHour)
      .orderBy(['pool_id', 'bucket_start']);
    if (toMs !== undefined) query.where('bucket_start', '<', toMs);
    if (poolIds) query.whereIn('pool_id', poolIds);
    const groups = new Map<string, Row[]>();
    for (const row of await query) {
      const key = `${row.pool_id}@${floorTo(num(row.bucket_start), HOUR)}`;
      const list = groups.get(key) ?? [];
      list.push(row);
      groups.set(key, list);
    }
    const rows = [...groups.values()].map(rollupRow);
    for (const chunk of chunks(rows)) {
      await this.#db(HOURS)
        .insert(chunk)
        .onConflict(['pool_id', 'bucket_start'])
        .merge();
    }
    return rows.length;
  }

  async totals(sinceMs: number): Promise<Map<string, HistoryTotals>> {
    const edge = Math.ceil(sinceMs / HOUR) * HOUR;
    const sums = Object.values(SUMMED).map(column =>
      this.#db.raw('sum(??) as ??', [column, column]),
    );
    const [minutes, hours] = await Promise.all([
      this.#db<Row>(MINUTES)
        .select('pool_id', ...sums)
        .where('bucket_start', '>=', sinceMs)
        .where('bucket_start', '<', edge)
        .groupBy('pool_id'),
      this.#db<Row>(HOURS)
        .select('pool_id', ...sums)
        .where('bucket_start', '>=', edge)
        .groupBy('pool_id'),
    ]);
    const result = new Map<string, HistoryTotals>();
    for (const row of [...minutes, ...hours]) {
      const poolId = String(row.pool_id);
      const add = toTotals(poolId, row);
      const previous = result.get(poolId);
      if (previous) {
        for (const key of Object.keys(SUMMED) as Array<keyof typeof SUMMED>)
          previous[key] += add[key];
      } else {
        result.set(poolId, add);
      }
    }
    return result;
  }

  async series(
    poolId: string,
    sinceMs: number,
    stepMs: number,
  ): Promise<HistoryPoint[]> {
    const rows = await this.#db<Row>(MINUTES)
      .where({ pool_id: poolId })
      .where('bucket_start', '>=', floorTo(sinceMs, MINUTE))
      .orderBy('bucket_start');
    const points = new Map<
      number,
      { point: HistoryPoint; hist: number[]; waitMax: number }
    >();
    for (const row of rows) {
      const at = floorTo(num(row.bucket_start), stepMs);
      const entry = points.get(at) ?? {
        point: {
          at,
          busySlotSeconds: 0,
          totalSlotSeconds: 0,
          busySlotsMax: 0,
          pendingMax: 0,
        },
        hist: [],
        waitMax: 0,
      };
      entry.point.busySlotSeconds += num(row.busy_slot_seconds);
      entry.point.totalSlotSeconds += num(row.total_slot_seconds);
      entry.point.busySlotsMax = Math.max(
        entry.point.busySlotsMax,
        num(row.busy_slots),
      );
      entry.point.pendingMax = Math.max(
        entry.point.pendingMax,
        num(row.pending),
      );
      entry.hist = addHistograms(
        entry.hist,
        JSON.parse(String(row.wait_histogram)),
      );
      entry.waitMax = Math.max(entry.waitMax, num(row.wait_seconds_max));
      points.set(at, entry);
    }
    return [...points.values()].map(({ point, hist, waitMax }) => ({
      ...point,
      waitP95: histogramP95(hist, waitMax),
    }));
  }

  async hours(options: {
    fromMs: number;
    toMs: number;
    team?: string;
  }): Promise<HourRollup[]> {
    const query = this.#db<Row>(HOURS)
      .where('bucket_start', '>=', options.fromMs)
      .where('bucket_start', '<', options.toMs)
      .orderBy(['bucket_start', 'pool_id']);
    if (options.team) query.where({ team: options.team });
    return (await query).map(toHour);
  }

  async prune(now: number): Promise<{ minutes: number; hours: number }> {
    // Whole hours only: an hour whose minutes are partly gone must never be rolled up again.
    const minutes = await this.#db(MINUTES)
      .where('bucket_start', '<', floorTo(now - MINUTE_RETENTION_MS, HOUR))
      .delete();
    const hours = await this.#db(HOURS)
      .where('bucket_start', '<', now - HOUR_RETENTION_MS)
      .delete();
    return { minutes, hours };
  }
}
