// @ts-check

/**
 * The golden image version a Windows pool is pinned to: the source its DataSource resolved to
 * (`{"dataSource":…,"kind":"pvc"|"snapshot","namespace":…,"name":…}` as JSON); null for Linux
 * pools and for Windows pools not pinned yet (their next reconcile pass pins them). A fleet
 * rollout of a Windows flavor records the version it moves the pools' pins to.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('runners_pools', table => {
    table.text('golden_image').nullable();
  });
  await knex.schema.alterTable('runners_fleet_rollouts', table => {
    table.text('target_golden_image').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('runners_fleet_rollouts', table => {
    table.dropColumn('target_golden_image');
  });
  await knex.schema.alterTable('runners_pools', table => {
    table.dropColumn('golden_image');
  });
};
