// @ts-check

/**
 * Capacity advice a team dismissed. Advice itself is recomputed from the history and never
 * stored; a dismissal names the advice's id, which is stable for the same pool, kind and
 * proposed change, so a different proposal for the same pool shows up again.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('runners_advice_dismissals', table => {
    table.comment('Capacity advice dismissed by a team member');
    table.string('advice_id', 64).primary().notNullable();
    table.string('pool_id', 36).notNullable();
    table.string('dismissed_by', 255).notNullable();
    table
      .bigInteger('dismissed_at')
      .notNullable()
      .comment('Epoch milliseconds');
    table.index(['pool_id'], 'runners_advice_dismissals_pool_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('runners_advice_dismissals');
};
