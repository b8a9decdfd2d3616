// @ts-check

/**
 * Desired state that never loses an intent, with several backend replicas on one database:
 *
 * - `runners_pools.version` — bumped by every write of a pool row; every writer (API and
 *   reconciler) updates `WHERE id = ? AND version = <what it read>` and re-reads on a miss.
 * - `runners_pools.delete_requested_at` / `delete_force` — when a delete was asked for (the
 *   drain deadline counts from it) and whether a platform member asked to cut running jobs.
 * - `runners_reconcile_queue` — one row per live pool: when its next pass is due, which replica
 *   holds the lease on it until when, whether a change arrived while it was held, and how many
 *   passes failed in a row (for backoff). Any replica claims due rows with a conditional update,
 *   so at most one pass per pool runs at a time across replicas, and a change recorded on one
 *   replica is seen by all.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('runners_pools', table => {
    table
      .integer('version')
      .notNullable()
      .defaultTo(1)
      .comment('Bumped on every write; writes are conditional on it');
    table
      .timestamp('delete_requested_at', { useTz: true })
      .nullable()
      .comment(
        'When the delete was asked for; running jobs may drain until then + grace',
      );
    table
      .boolean('delete_force')
      .notNullable()
      .defaultTo(false)
      .comment('A platform member asked to delete now, cutting running jobs');
  });

  await knex.schema.createTable('runners_reconcile_queue', table => {
    table.comment(
      'Reconcile work per pool, claimed by one backend replica at a time',
    );
    table
      .string('pool_id', 36)
      .primary()
      .notNullable()
      .references('id')
      .inTable('runners_pools')
      .onDelete('CASCADE');
    table
      .timestamp('next_run_at', { useTz: true })
      .notNullable()
      .comment('The pass is due at or after this time');
    table
      .string('lease_owner', 255)
      .nullable()
      .comment('The replica running a pass on this pool');
    table.timestamp('lease_expires_at', { useTz: true }).nullable();
    table
      .boolean('requested')
      .notNullable()
      .defaultTo(false)
      .comment('A change arrived while the lease was held: run again at once');
    table
      .integer('failures')
      .notNullable()
      .defaultTo(0)
      .comment('Failed passes in a row, for backoff');
    table.index(['next_run_at'], 'runners_reconcile_queue_due_idx');
  });

  const live = await knex('runners_pools').whereNull('deleted_at').select('id');
  const now = new Date();
  for (const { id } of live) {
    await knex('runners_reconcile_queue').insert({
      pool_id: id,
      next_run_at: now,
      requested: false,
      failures: 0,
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('runners_reconcile_queue');
  await knex.schema.alterTable('runners_pools', table => {
    table.dropColumn('delete_force');
    table.dropColumn('delete_requested_at');
    table.dropColumn('version');
  });
};
