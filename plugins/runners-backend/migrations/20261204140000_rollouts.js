// @ts-check

/**
 * Rolling replacement of a pool's VMs, one row per pool, so a backend restart (or another
 * replica) resumes a rollout where it was. Every write is conditional on `version`, as for pools.
 * `stable_spec`/`stable_flavor` are what the pool's VMs ran when they last all matched: an abort
 * writes them back to the pool.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('runners_rollouts', table => {
    table.comment('Rolling replacement of each pool’s VMs (one row per pool)');
    table
      .string('pool_id', 36)
      .primary()
      .notNullable()
      .references('id')
      .inTable('runners_pools')
      .onDelete('CASCADE');
    table.integer('version').notNullable();
    table
      .string('phase', 16)
      .notNullable()
      .comment('stable | rolling | halted | rolling-back');
    table.string('reason', 64).notNullable().comment('Machine reason code');
    table.text('message').notNullable().comment('What a person reads');
    table.string('target_hash', 64).nullable();
    table.string('stable_hash', 64).nullable();
    table.text('stable_spec').nullable().comment('PoolSpec JSON');
    table.text('stable_flavor').nullable().comment('Flavor JSON');
    table.integer('vms_outdated').notNullable().defaultTo(0);
    table.integer('vms_updated').notNullable().defaultTo(0);
    table.integer('vms_draining').notNullable().defaultTo(0);
    table.integer('vms_replaced').notNullable().defaultTo(0);
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('progress_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('runners_rollouts');
};
