// @ts-check

/**
 * Fleet rollouts: the catalog's current definition of a flavor rolled out to every live pool of
 * that flavor, canary pools first, then in batches. `admitted` lists the pools admitted so far
 * with the flavor each had before (what an abort writes back). Every write is conditional on
 * `version`, as for pools: any replica advances a rollout, never two from the same read.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('runners_fleet_rollouts', table => {
    table.comment('Rollouts of a catalog flavor definition across the fleet');
    table.string('id', 36).primary().notNullable();
    table.integer('version').notNullable();
    table.string('flavor', 255).notNullable().comment('Catalog flavor name');
    table.text('target').notNullable().comment('Flavor JSON rolled out');
    table
      .string('phase', 16)
      .notNullable()
      .comment('canary | rolling | paused | halted | complete | aborted');
    table.string('resume_phase', 16).nullable().comment('canary | rolling');
    table.integer('canary_pools').notNullable();
    table.integer('max_vm_percent').notNullable();
    table
      .text('admitted')
      .notNullable()
      .comment(
        'JSON: [{poolId, previousFlavor, generation, canary, admittedAt}]',
      );
    table.string('reason', 64).notNullable().comment('Machine reason code');
    table.text('message').notNullable().comment('What a person reads');
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['phase'], 'runners_fleet_rollouts_phase_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('runners_fleet_rollouts');
};
