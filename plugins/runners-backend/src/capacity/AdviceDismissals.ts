import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const TABLE = 'runners_advice_dismissals';

/**
 * Dismissed advice ids in the plugin database (table from the package's migrations, which the
 * pool store runs at startup). Dismissing twice keeps the first dismissal.
 */
export class AdviceDismissals {
  readonly #db: Knex;

  static async create(options: {
    database: DatabaseService;
  }): Promise<AdviceDismissals> {
    return new AdviceDismissals(await options.database.getClient());
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  async dismiss(d: {
    adviceId: string;
    poolId: string;
    by: string;
    at: number;
  }): Promise<void> {
    await this.#db(TABLE)
      .insert({
        advice_id: d.adviceId,
        pool_id: d.poolId,
        dismissed_by: d.by,
        dismissed_at: d.at,
      })
      .onConflict('advice_id')
      .ignore();
  }

  /** The dismissed ids among those of `poolIds`. */
  async dismissed(poolIds: string[]): Promise<Set<string>> {
    if (poolIds.length === 0) return new Set();
    const ids = new Set<string>();
    // Chunks keep the IN list below SQLite's bind limit for a large fleet.
    for (let i = 0; i < poolIds.length; i += 500) {
      const rows = await this.#db(TABLE)
        .select('advice_id')
        .whereIn('pool_id', poolIds.slice(i, i + 500));
      for (const r of rows) ids.add(String(r.advice_id));
    }
    return ids;
  }
}
