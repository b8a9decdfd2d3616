import { Knex } from 'knex';
import { ReconcileQueue } from './ReconcileQueue';

const TABLE = 'runners_reconcile_queue';

/**
 * Marks a pool for a pass now, inside whatever transaction `db` is: inserts its row, or moves an
 * existing row's due time forward and flags it `requested` (so a replica that holds the lease runs
 * the pool again when it releases it).
 */
export async function enqueuePool(
  db: Knex,
  poolId: string,
  now: Date,
): Promise<void> {
  await db(TABLE)
    .insert({ pool_id: poolId, next_run_at: now, requested: true, failures: 0 })
    .onConflict('pool_id')
    .merge({
      next_run_at: db.raw(
        `CASE WHEN ${TABLE}.next_run_at > ? THEN ? ELSE ${TABLE}.next_run_at END`,
        [now, now],
      ),
      requested: true,
    });
}

/**
 * {@link ReconcileQueue} on the plugin database. Claims are conditional updates (`WHERE` the
 * lease is free), which PostgreSQL and SQLite both evaluate atomically per row, so two replicas
 * never hold the same pool; no correctness rests on anything in this process.
 */
export class DatabaseReconcileQueue implements ReconcileQueue {
  readonly #db: Knex;
  readonly #clock: () => Date;

  static create(options: { db: Knex; clock?: () => Date }) {
    return new DatabaseReconcileQueue(
      options.db,
      options.clock ?? (() => new Date()),
    );
  }

  private constructor(db: Knex, clock: () => Date) {
    this.#db = db;
    this.#clock = clock;
  }

  enqueue(poolId: string): Promise<void> {
    return enqueuePool(this.#db, poolId, this.#clock());
  }

  async claim(
    owner: string,
    options: { limit: number; leaseMs: number; dueBy?: Date },
  ): Promise<Array<{ poolId: string; failures: number }>> {
    const now = this.#clock();
    const dueBy = options.dueBy && options.dueBy < now ? options.dueBy : now;
    const free = (q: Knex.QueryBuilder) =>
      q
        .where('next_run_at', '<=', dueBy)
        .andWhere(lease =>
          lease
            .whereNull('lease_expires_at')
            .orWhere('lease_expires_at', '<', now),
        );
    const candidates: Array<{ pool_id: string; failures: number }> = await free(
      this.#db(TABLE),
    )
      .orderBy('next_run_at')
      .limit(options.limit * 2)
      .select('pool_id', 'failures');
    const claimed: Array<{ poolId: string; failures: number }> = [];
    for (const { pool_id: poolId, failures } of candidates) {
      if (claimed.length >= options.limit) break;
      const count = await free(
        this.#db(TABLE).where({ pool_id: poolId }),
      ).update({
        lease_owner: owner,
        lease_expires_at: new Date(now.getTime() + options.leaseMs),
        requested: false,
      });
      if (count === 1) claimed.push({ poolId, failures: Number(failures) });
    }
    return claimed;
  }

  async renew(poolId: string, owner: string, leaseMs: number) {
    const count = await this.#db(TABLE)
      .where({ pool_id: poolId, lease_owner: owner })
      .update({
        lease_expires_at: new Date(this.#clock().getTime() + leaseMs),
      });
    return count === 1;
  }

  async release(
    poolId: string,
    owner: string,
    next: { delayMs: number; failed?: boolean },
  ): Promise<boolean> {
    const now = this.#clock();
    const later = new Date(now.getTime() + next.delayMs);
    const count = await this.#db(TABLE)
      .where({ pool_id: poolId, lease_owner: owner })
      .update({
        lease_owner: null,
        lease_expires_at: null,
        // PostgreSQL types parameters that only meet each other in a CASE as text and then
        // refuses to store text in a timestamptz column: say what they are.
        next_run_at: this.#db.raw(
          this.#db.client.config.client === 'pg'
            ? 'CASE WHEN requested THEN ?::timestamptz ELSE ?::timestamptz END'
            : 'CASE WHEN requested THEN ? ELSE ? END',
          [now, later],
        ),
        requested: false,
        failures: next.failed ? this.#db.raw('failures + 1') : 0,
      });
    return count === 1;
  }

  async remove(poolId: string): Promise<void> {
    await this.#db(TABLE).where({ pool_id: poolId }).delete();
  }

  async list() {
    const rows = await this.#db(TABLE).orderBy('next_run_at');
    return rows.map(r => ({
      poolId: String(r.pool_id),
      nextRunAt: new Date(r.next_run_at),
      leaseOwner: r.lease_owner ?? undefined,
    }));
  }
}
