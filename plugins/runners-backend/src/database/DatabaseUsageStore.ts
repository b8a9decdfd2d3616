import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { HOUR_RETENTION_MS } from './DatabaseHistoryStore';
import { migratedClient } from './migrations';
import { UsageHour, UsageStore } from './UsageStore';

const TABLE = 'runners_usage_hours';
/** Rows per INSERT: 9 columns each stays far below the bind limits. */
const CHUNK = 500;

/** PostgreSQL returns bigint columns as strings. */
const num = (v: unknown) => Number(v ?? 0);

/** {@link UsageStore} in the plugin database (table from the package's migrations). */
export class DatabaseUsageStore implements UsageStore {
  readonly #db: Knex;

  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseUsageStore> {
    return new DatabaseUsageStore(await migratedClient(options));
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  async writeHours(hours: UsageHour[]): Promise<void> {
    for (let i = 0; i < hours.length; i += CHUNK) {
      const rows = hours.slice(i, i + CHUNK).map(h => ({
        pool_id: h.poolId,
        bucket_start: h.hour,
        flavor: h.flavor,
        cpu_p95: h.cpuP95,
        cpu_mean: h.cpuMean,
        memory_p95: h.memoryP95,
        memory_mean: h.memoryMean,
        samples: h.samples,
      }));
      await this.#db(TABLE)
        .insert(rows)
        .onConflict(['pool_id', 'bucket_start'])
        .merge();
    }
  }

  async hours(options: {
    fromMs: number;
    toMs: number;
    poolIds?: string[];
  }): Promise<UsageHour[]> {
    if (options.poolIds && options.poolIds.length === 0) return [];
    const query = this.#db(TABLE)
      .where('bucket_start', '>=', options.fromMs)
      .andWhere('bucket_start', '<', options.toMs)
      .orderBy(['pool_id', 'bucket_start']);
    // A long id list would pass SQLite's bind limit; then filter here instead.
    const few = options.poolIds && options.poolIds.length <= CHUNK;
    if (few) query.whereIn('pool_id', options.poolIds!);
    const wanted =
      options.poolIds && !few ? new Set(options.poolIds) : undefined;
    const rows = (await query).filter(r => !wanted || wanted.has(r.pool_id));
    return rows.map(r => ({
      poolId: r.pool_id,
      hour: num(r.bucket_start),
      flavor: r.flavor,
      cpuP95: num(r.cpu_p95),
      cpuMean: num(r.cpu_mean),
      memoryP95: num(r.memory_p95),
      memoryMean: num(r.memory_mean),
      samples: num(r.samples),
    }));
  }

  async latestHour(): Promise<number | undefined> {
    const [row] = await this.#db(TABLE).max({ latest: 'bucket_start' });
    return row?.latest === null || row?.latest === undefined
      ? undefined
      : num(row.latest);
  }

  async prune(now: number): Promise<number> {
    return this.#db(TABLE)
      .where('bucket_start', '<', now - HOUR_RETENTION_MS)
      .delete();
  }
}
