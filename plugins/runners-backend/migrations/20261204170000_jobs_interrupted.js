// @ts-check

/**
 * Jobs cut because their runner went away (GitLab's `runner_system_failure` or
 * `stuck_or_timeout_failure`), per minute sample and hourly rollup; 0 for rows written before.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const name of ['runners_history_minutes', 'runners_history_hours']) {
    await knex.schema.alterTable(name, table => {
      table.integer('jobs_interrupted').notNullable().defaultTo(0);
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const name of ['runners_history_minutes', 'runners_history_hours']) {
    await knex.schema.alterTable(name, table => {
      table.dropColumn('jobs_interrupted');
    });
  }
};
