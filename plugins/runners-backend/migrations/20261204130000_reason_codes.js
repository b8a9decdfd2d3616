// @ts-check

/**
 * Pool status as data: a machine reason code beside the sentence, on the pool and on every
 * event, so the portal and alerts decide on the code and never parse the sentence. Rows written
 * before this migration keep a null code; readers derive one from the state.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('runners_pools', table => {
    table
      .string('state_code', 64)
      .nullable()
      .comment('Why the pool is in its state, as a code (POOL_REASON_CODES)');
  });
  await knex.schema.alterTable('runners_pool_events', table => {
    table
      .string('code', 64)
      .nullable()
      .comment('The reason as a code (POOL_REASON_CODES)');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('runners_pool_events', table => {
    table.dropColumn('code');
  });
  await knex.schema.alterTable('runners_pools', table => {
    table.dropColumn('state_code');
  });
};
