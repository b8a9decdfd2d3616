// @ts-check

/**
 * Pools, approval requests and the pool state history. No secrets: runner tokens live only in
 * Kubernetes Secrets.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('runners_pools', table => {
    table.comment('Runner pools: desired state (spec) and lifecycle state');
    table.string('id', 36).primary().notNullable();
    table.string('team', 63).notNullable();
    table.string('name', 40).notNullable();
    table
      .string('active_name', 40)
      .nullable()
      .comment(
        'The name while the pool is not deleted; keeps live names unique per team',
      );
    table
      .text('spec')
      .notNullable()
      .comment('PoolSpec JSON, the approved desired state');
    table
      .text('pending_spec')
      .nullable()
      .comment('PoolSpec JSON waiting for approval');
    table.text('flavor').notNullable().comment('The resolved Flavor JSON');
    table.integer('reserved_cpu').notNullable();
    table.integer('reserved_memory_gib').notNullable();
    table.string('state', 32).notNullable();
    table.text('state_reason').notNullable();
    table.integer('generation').notNullable().defaultTo(1);
    table.integer('observed_generation').notNullable().defaultTo(0);
    table.bigInteger('gitlab_runner_id').nullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('deleted_at', { useTz: true }).nullable();
    table.unique(['team', 'active_name'], {
      indexName: 'runners_pools_team_name_uniq',
    });
    table.index(['team'], 'runners_pools_team_idx');
    table.index(['state'], 'runners_pools_state_idx');
  });

  await knex.schema.createTable('runners_requests', table => {
    table.comment('Changes that wait for a platform approver');
    table.string('id', 36).primary().notNullable();
    table
      .string('pool_id', 36)
      .notNullable()
      .references('id')
      .inTable('runners_pools')
      .onDelete('CASCADE');
    table.string('team', 63).notNullable();
    table.text('reasons').notNullable().comment('JSON array of ApprovalReason');
    table.text('summary').notNullable();
    table.string('status', 16).notNullable();
    table.string('requested_by', 255).notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.string('decided_by', 255).nullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.text('decision_reason').nullable();
    table.index(['status'], 'runners_requests_status_idx');
    table.index(['team'], 'runners_requests_team_idx');
  });

  await knex.schema.createTable('runners_pool_events', table => {
    table.comment('State history of pools, newest last');
    table.bigIncrements('id').primary();
    table
      .string('pool_id', 36)
      .notNullable()
      .references('id')
      .inTable('runners_pools')
      .onDelete('CASCADE');
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('state', 32).notNullable();
    table.text('reason').notNullable();
    table.string('actor', 255).nullable();
    table.index(['pool_id', 'id'], 'runners_pool_events_pool_idx');
  });

  await knex.schema.createTable('runners_team_locks', table => {
    table.comment(
      'One row per team, locked while its quota is checked and reserved',
    );
    table.string('team', 63).primary().notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('runners_team_locks');
  await knex.schema.dropTable('runners_pool_events');
  await knex.schema.dropTable('runners_requests');
  await knex.schema.dropTable('runners_pools');
};
