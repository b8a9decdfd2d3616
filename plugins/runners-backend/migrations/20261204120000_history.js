// @ts-check

/**
 * Fleet history, shared by every backend replica and kept across restarts: one row per pool and
 * minute (kept 48 h) and one per pool and hour (kept 90 days), rolled up from the minutes. Rows
 * carry team, pool name and flavor as they were when sampled, and have no foreign key to
 * `runners_pools`, so cost showback still sees a pool that has since been deleted. Buckets are
 * epoch milliseconds (bigint): plain integer arithmetic on SQLite and PostgreSQL alike.
 *
 * @param {import('knex').Knex.CreateTableBuilder} table
 * @param {'minute' | 'hour'} bucket
 */
function commonColumns(table, bucket) {
  table.string('pool_id', 36).notNullable();
  table
    .bigInteger('bucket_start')
    .notNullable()
    .comment(`Start of the ${bucket}, epoch milliseconds`);
  table.string('team', 63).notNullable();
  table.string('pool_name', 40).notNullable();
  table.string('flavor', 63).notNullable();
  table.string('os', 16).notNullable();
  table.double('vcpu_per_vm').notNullable();
  table.double('memory_gib_per_vm').notNullable();
  table
    .double('vm_seconds')
    .notNullable()
    .comment('VM-seconds on the primary and burst clusters together');
  table
    .double('burst_vm_seconds')
    .notNullable()
    .comment('The part of vm_seconds on the burst cluster (priced apart)');
  table.double('vcpu_seconds').notNullable();
  table.double('gib_seconds').notNullable();
  table
    .double('weighted_vm_seconds')
    .notNullable()
    .comment('VM-seconds times the flavor cost weight');
  table.double('busy_slot_seconds').notNullable();
  table.double('total_slot_seconds').notNullable();
  table.integer('jobs_finished').notNullable();
  table
    .double('job_seconds')
    .notNullable()
    .comment('Run time of the jobs that finished in the bucket');
  table.integer('jobs_started').notNullable();
  table
    .double('wait_seconds_sum')
    .notNullable()
    .comment('Queue wait of the jobs that started in the bucket');
  table.double('wait_seconds_max').notNullable();
  table
    .text('wait_histogram')
    .notNullable()
    .comment(
      'JSON counts of queue waits per bin (upper bounds 5,10,30,60,120,300,600,1800 s, then more)',
    );
  table.double('wait_p95').nullable();
  table.integer('pending_max').notNullable();
  table.primary(['pool_id', 'bucket_start']);
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('runners_history_minutes', table => {
    table.comment(
      'One load sample per pool and minute; a second write of the same minute replaces the first',
    );
    commonColumns(table, 'minute');
    table.integer('vms').notNullable();
    table.integer('burst_vms').notNullable();
    table.integer('busy_slots').notNullable();
    table.integer('total_slots').notNullable();
    table.integer('pending').notNullable();
    table
      .bigInteger('sampled_at')
      .notNullable()
      .comment('When the sample was taken, epoch milliseconds');
    table.index(['bucket_start'], 'runners_history_minutes_bucket_idx');
  });

  await knex.schema.createTable('runners_history_hours', table => {
    table.comment(
      'Hourly rollup of runners_history_minutes: sums of the minutes of the hour',
    );
    commonColumns(table, 'hour');
    table
      .integer('minutes')
      .notNullable()
      .comment('How many minute samples the hour holds');
    table.integer('vms_max').notNullable();
    table.integer('busy_slots_max').notNullable();
    table.index(['bucket_start'], 'runners_history_hours_bucket_idx');
    table.index(['team', 'bucket_start'], 'runners_history_hours_team_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('runners_history_hours');
  await knex.schema.dropTable('runners_history_minutes');
};
