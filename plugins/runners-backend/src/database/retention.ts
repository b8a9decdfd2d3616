import { Knex } from 'knex';

/** What the plugin database keeps: pruning by `runners.retention`, run hourly by one replica. */

/**
 * Deletes pool events older than `olderThan` and all but the newest `keepPerPool` of each pool
 * (`runners.retention`); returns how many went.
 */
export async function pruneEvents(
  db: Knex,
  options: { olderThan: Date; keepPerPool: number },
): Promise<number> {
  const byAge = await db('runners_pool_events')
    .where('at', '<', options.olderThan)
    .delete();
  // Window functions: SQLite 3.25+ and PostgreSQL alike.
  const byCount = await db('runners_pool_events')
    .whereIn(
      'id',
      db
        .select('id')
        .from(
          db('runners_pool_events')
            .select(
              'id',
              db.raw(
                'ROW_NUMBER() OVER (PARTITION BY pool_id ORDER BY id DESC) AS newer',
              ),
            )
            .as('ranked'),
        )
        .where('newer', '>', options.keepPerPool),
    )
    .delete();
  return byAge + byCount;
}

/**
 * Deletes pools deleted before `deletedBefore` with their events, requests and queue entries;
 * returns how many pools went.
 */
export async function pruneDeletedPools(
  db: Knex,
  options: { deletedBefore: Date },
): Promise<number> {
  return db.transaction(async trx => {
    const ids = (
      await trx('runners_pools')
        .where({ state: 'deleted' })
        .whereNotNull('deleted_at')
        .where('deleted_at', '<', options.deletedBefore)
        .select('id')
    ).map(r => String(r.id));
    let pruned = 0;
    // In chunks, within every database's limit on bound parameters.
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      // Children first: SQLite enforces the cascades only with foreign keys switched on.
      for (const table of [
        'runners_pool_events',
        'runners_requests',
        'runners_reconcile_queue',
      ]) {
        await trx(table).whereIn('pool_id', chunk).delete();
      }
      pruned += await trx('runners_pools').whereIn('id', chunk).delete();
    }
    return pruned;
  });
}
