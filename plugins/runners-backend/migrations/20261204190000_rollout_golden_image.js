// @ts-check

/**
 * The golden image version a Windows pool was pinned to when it last had no outdated VM (JSON,
 * as `runners_pools.golden_image`): what aborting its rollout restores with its spec and flavor.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('runners_rollouts', table => {
    table.text('stable_golden_image').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('runners_rollouts', table => {
    table.dropColumn('stable_golden_image');
  });
};
