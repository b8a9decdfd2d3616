// @ts-check

/**
 * CPU and memory the VMs of a pool used, per pool and hour, as shares of the flavor (0–1): p95
 * and mean over every VM sample of the hour, read from virt-handler's metrics through
 * Prometheus. Written by one replica's hourly task; a second write of the same hour replaces the
 * first. No foreign key to `runners_pools`, like the history rows; pruned with the hour history.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('runners_usage_hours', table => {
    table.comment('CPU and memory use per pool and hour (usage source)');
    table.string('pool_id', 36).notNullable();
    table
      .bigInteger('bucket_start')
      .notNullable()
      .comment('Start of the hour, epoch milliseconds');
    table
      .string('flavor', 63)
      .notNullable()
      .comment('Flavor of the VMs the samples came from');
    table.double('cpu_p95').notNullable().comment('Share of the vCPUs, 0–1');
    table.double('cpu_mean').notNullable();
    table.double('memory_p95').notNullable().comment('Share of the memory');
    table.double('memory_mean').notNullable();
    table
      .integer('samples')
      .notNullable()
      .comment('VM samples behind the figures');
    table.primary(['pool_id', 'bucket_start']);
    table.index(['bucket_start'], 'runners_usage_hours_bucket_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('runners_usage_hours');
};
