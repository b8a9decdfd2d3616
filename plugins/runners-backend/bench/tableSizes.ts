/*
 * `yarn bench:tables` (issue #22): how big the plugin's tables are after a simulated month.
 * A simulated clock drives the product's own stores on SQLite: pools come and go, every pool
 * records state events, and a sample of pools writes one history sample a minute; every
 * simulated hour the product's retention runs as its scheduled task does (history prune, events
 * by age and count per pool, deleted pools after their retention). Rows per table are reported
 * beside what was written (the unpruned size).
 *
 *   yarn bench:tables                      # 1,000 pools, 30 days, history for 20 of them
 *   yarn bench:tables --pools 50 --days 3  # smaller
 */
import knexFactory from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import {
  EXAMPLE_FLAVOR_CATALOG,
  examplePoolSpec,
} from '@runner-fleet/plugin-runners-common/testUtils';
import { DatabaseHistoryStore } from '../src/database/DatabaseHistoryStore';
import { DatabasePoolStore } from '../src/database/DatabasePoolStore';
import { MinuteSample } from '../src/database/HistoryStore';
import { PoolRecord } from '../src/database/PoolStore';
import { machine } from './lib/report';
import { writeSection } from './lib/section';
import { ROOT } from './lib/stack';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The product's defaults (readRunnersConfig `retention.*`). */
const RETENTION = { eventDays: 90, eventsPerPool: 500, deletedPoolDays: 30 };
const flavor = EXAMPLE_FLAVOR_CATALOG.flavors[0];

async function main() {
  const { values } = parseArgs({
    options: {
      pools: { type: 'string', default: '1000' },
      days: { type: 'string', default: '30' },
      'history-pools': { type: 'string', default: '20' },
      'events-per-hour': { type: 'string', default: '2' },
      'churn-per-day': { type: 'string', default: '10' },
      out: { type: 'string' },
    },
  });
  const poolCount = Number(values.pools);
  const days = Number(values.days);
  const historyPools = Math.min(poolCount, Number(values['history-pools']));
  const eventsPerHour = Number(values['events-per-hour']);
  const churnPerDay = Number(values['churn-per-day']);
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'runner-fleet-bench-tables-'));
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'runners.sqlite') },
    useNullAsDefault: true,
  });
  let now = Date.UTC(2026, 10, 2);
  const database = { getClient: async () => db };
  const store = await DatabasePoolStore.create({
    database,
    clock: () => new Date(now),
  });
  const history = await DatabaseHistoryStore.create({ database });
  const written = { events: 0, pools: 0, minutes: 0 };
  const live: PoolRecord[] = [];
  const newPool = async (i: number) => {
    const team = `team-${i % 250}`;
    const name = `pool-${i}`;
    const pool = await store.withTeam(team, tx =>
      tx.insertPool({
        id: randomUUID(),
        team,
        name,
        spec: examplePoolSpec({ team, name }),
        flavor,
        reserved: { cpu: 4, memoryGiB: 6 },
        state: 'provisioning',
        stateReason: 'waiting for the reconciler',
        stateCode: 'Requested',
        createdBy: 'user:default/guest',
      }),
    );
    written.pools++;
    written.events++;
    live.push(pool);
  };
  let nextId = 0;
  for (; nextId < poolCount; nextId++) await newPool(nextId);

  for (let hour = 0; hour < days * 24; hour++) {
    // State events: the busy (sampled) pools change state `eventsPerHour` times an hour, more
    // than the per-pool cap keeps in a month; every other pool once a day.
    for (let i = 0; i < live.length; i++) {
      let times = hour % 24 === 12 ? 1 : 0;
      if (i < historyPools) times = eventsPerHour;
      for (let e = 0; e < times; e++) {
        const p = live[i];
        const updated = await store.updatePool(
          p.id,
          p.version,
          {},
          {
            state: 'ready',
            reason: `${1 + ((hour + e) % 5)} of 5 VMs ready`,
            code: 'Ready',
          },
        );
        if (updated) live[i] = updated;
        written.events++;
      }
    }
    // History: one sample a minute for the sampled pools.
    const samples: MinuteSample[] = [];
    for (let m = 0; m < 60; m++) {
      for (const p of live.slice(0, historyPools)) {
        samples.push({
          poolId: p.id,
          at: now + m * MINUTE,
          team: p.team,
          poolName: p.name,
          flavor,
          vms: 3,
          burstVms: 0,
          busySlots: m % 4,
          totalSlots: 3 * flavor.jobSlots,
          pending: m % 3,
          jobs: {
            finished: 1,
            jobSeconds: 300,
            interrupted: 0,
            started: 1,
            waitSecondsSum: 4,
            waitSecondsMax: 4,
            waitHistogram: [1, 0, 0, 0, 0, 0, 0, 0, 0],
            waitP95: 4,
          },
        });
      }
    }
    await history.writeMinutes(samples);
    written.minutes += samples.length;
    now += HOUR;
    // Churn once a day: some pools are deleted (soft) and as many new ones created.
    if (hour % 24 === 23) {
      for (let c = 0; c < churnPerDay && live.length > historyPools; c++) {
        const gone = live.pop()!;
        await store.updatePool(
          gone.id,
          gone.version,
          { deleted: true },
          { state: 'deleted', reason: 'torn down', code: 'Deleted' },
        );
        written.events++;
        await newPool(nextId++);
      }
    }
    // The hourly retention task (startFleet's runners-history-prune).
    await history.prune(now);
    await store.pruneEvents({
      olderThan: new Date(now - RETENTION.eventDays * DAY),
      keepPerPool: RETENTION.eventsPerPool,
    });
    await store.pruneDeletedPools({
      deletedBefore: new Date(now - RETENTION.deletedPoolDays * DAY),
    });
  }

  const count = async (table: string, where?: Record<string, string>) => {
    const q = db(table).count({ n: '*' });
    const [row] = await (where ? q.where(where) : q);
    return Number(row.n);
  };
  const rows = {
    pools: await count('runners_pools'),
    deleted: await count('runners_pools', { state: 'deleted' }),
    events: await count('runners_pool_events'),
    minutes: await count('runners_history_minutes'),
    hours: await count('runners_history_hours'),
  };
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
  const durationS = (performance.now() - t0) / 1000;
  const perPool = (n: number) => (n / historyPools).toFixed(0);
  const table = [
    '| table | rows after the month | written (unpruned) | bound (retention) |',
    '| --- | --- | --- | --- |',
    `| runners_pools | ${rows.pools} (${rows.deleted} deleted) | ${written.pools} | live pools + those deleted in the last ${RETENTION.deletedPoolDays} days |`,
    `| runners_pool_events | ${rows.events} | ${written.events} | ${RETENTION.eventsPerPool} per pool, ${RETENTION.eventDays} days |`,
    `| runners_history_minutes (${historyPools} pools) | ${
      rows.minutes
    } (${perPool(rows.minutes)} per pool) | ${
      written.minutes
    } | 48 h per pool (2,880 rows) |`,
    `| runners_history_hours (${historyPools} pools) | ${rows.hours} (${perPool(
      rows.hours,
    )} per pool) | ${
      (written.minutes / 60) | 0
    } hours of samples | 90 days per pool (2,160 rows) |`,
  ].join('\n');
  const command = `yarn bench:tables${
    process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''
  }`;
  const notes = [
    `A simulated ${days}-day month on the product's stores (DatabasePoolStore with a simulated clock, DatabaseHistoryStore) on SQLite: ${poolCount} pools in 250 teams; ${historyPools} busy pools record ${eventsPerHour} state events an hour (more than the ${
      RETENTION.eventsPerPool
    } per pool kept) and the others one a day; ${churnPerDay} pools deleted and as many created every day; one history sample a minute for ${historyPools} of the pools (history rows grow per pool, so 1,000 pools hold ${
      1000 / historyPools
    }× these history rows). Every simulated hour the retention of startFleet's runners-history-prune task ran with the default runners.retention (events ${
      RETENTION.eventDays
    } days / ${RETENTION.eventsPerPool} per pool, deleted pools ${
      RETENTION.deletedPoolDays
    } days) and the history's (minutes 48 h, hours 90 days).`,
  ];
  process.stdout.write(
    `\n${table}\n\n${notes.map(n => `- ${n}`).join('\n')}\n`,
  );
  const file = values.out
    ? resolve(ROOT, values.out)
    : join(ROOT, 'BENCHMARKS.md');
  writeSection(file, 'scale-tables', [
    '## Scale (issue #22): table sizes after a simulated month, `yarn bench:tables`',
    '',
    `- command: \`${command}\` (in plugins/runners-backend)`,
    `- machine: ${machine(ROOT)}`,
    `- run: ${new Date().toISOString()}, ${durationS.toFixed(0)} s wall`,
    '',
    table,
    '',
    ...notes.map(n => `- ${n}`),
  ]);
  process.stderr.write(`wrote ${file}\n`);
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`bench:tables failed: ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
