import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { resolve } from 'node:path';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseHistoryStore } from './DatabaseHistoryStore';
import { JobFigures, MinuteSample, WAIT_BINS } from './HistoryStore';

const databases = createTestDatabases();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A round hour, so tests can reason in whole hours. */
const T0 = Date.UTC(2026, 11, 1, 0, 0, 0);
const large = {
  name: 'm1.large',
  os: 'linux',
  cpu: 4,
  memoryGiB: 6,
  costWeight: 1,
};

async function createStore(
  databaseId: Parameters<typeof databases.init>[0],
  knex?: Knex,
) {
  const db = knex ?? (await databases.init(databaseId));
  const store = await DatabaseHistoryStore.create({
    // A test that steps through the migrations itself keeps them where it put them.
    database: mockServices.database({
      knex: db,
      migrations: { skip: knex !== undefined },
    }),
  });
  return { db, store };
}

function jobs(
  waits: number[],
  finished = 0,
  jobSeconds = 0,
  interrupted = 0,
): JobFigures {
  const histogram = new Array<number>(WAIT_BINS.length + 1).fill(0);
  for (const w of waits) {
    const bin = WAIT_BINS.findIndex(b => w <= b);
    histogram[bin === -1 ? WAIT_BINS.length : bin]++;
  }
  return {
    finished,
    jobSeconds,
    interrupted,
    started: waits.length,
    waitSecondsSum: waits.reduce((a, b) => a + b, 0),
    waitSecondsMax: Math.max(0, ...waits),
    waitHistogram: histogram,
  };
}

function sample(
  poolId: string,
  at: number,
  load: Partial<MinuteSample> = {},
): MinuteSample {
  return {
    poolId,
    at,
    team: 'payments',
    poolName: poolId,
    flavor: large,
    vms: 2,
    burstVms: 0,
    busySlots: 1,
    totalSlots: 4,
    pending: 0,
    jobs: jobs([]),
    ...load,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseHistoryStore on %p',
  databaseId => {
    it('migrates up and down step by step, leaving the pool tables alone', async () => {
      const knex = await databases.init(databaseId);
      const directory = resolve(__dirname, '../../migrations');
      await knex.migrate.up({ directory });
      expect(await knex.schema.hasTable('runners_pools')).toBe(true);
      await knex.migrate.up({ directory });
      expect(await knex.schema.hasTable('runners_reconcile_queue')).toBe(true);
      expect(await knex.schema.hasTable('runners_history_minutes')).toBe(false);

      await knex.migrate.up({ directory });
      expect(await knex.schema.hasTable('runners_history_minutes')).toBe(true);
      expect(await knex.schema.hasTable('runners_history_hours')).toBe(true);
      // The store needs the later history columns too.
      await knex.migrate.latest({ directory });
      const { store } = await createStore(databaseId, knex);
      await store.writeMinutes([sample('p1', T0)]);
      expect(await store.hours({ fromMs: T0, toMs: T0 + HOUR })).toHaveLength(
        1,
      );

      // Down, one step at a time, until the history tables are gone.
      for (let i = 0; i < 20; i++) {
        if (!(await knex.schema.hasTable('runners_history_minutes'))) break;
        await knex.migrate.down({ directory });
      }
      expect(await knex.schema.hasTable('runners_history_minutes')).toBe(false);
      expect(await knex.schema.hasTable('runners_history_hours')).toBe(false);
      expect(await knex.schema.hasTable('runners_pools')).toBe(true);

      await knex.migrate.up({ directory });
      const [count] = await knex('runners_history_minutes').count({ n: '*' });
      expect(Number(count.n)).toBe(0);
      await knex.migrate.down({ directory });
      expect(await knex.schema.hasTable('runners_reconcile_queue')).toBe(true);
      await knex.migrate.down({ directory });
      expect(await knex.schema.hasTable('runners_reconcile_queue')).toBe(false);
      expect(await knex.schema.hasColumn('runners_pools', 'version')).toBe(
        false,
      );
      await knex.migrate.down({ directory });
      expect(await knex.schema.hasTable('runners_pools')).toBe(false);
    });

    it('rolls minutes up into hours: each hour is the sum of its minutes', async () => {
      const { store } = await createStore(databaseId);
      // 90 minutes of a pool whose load, VMs, burst and jobs change every minute.
      const samples = Array.from({ length: 90 }, (_, i) =>
        sample('p1', T0 + i * MINUTE + 15_000, {
          vms: 1 + (i % 4),
          burstVms: i % 10 === 0 ? 2 : 0,
          busySlots: i % 3,
          totalSlots: 2 * (1 + (i % 4)),
          pending: i % 7,
          jobs: jobs(
            i % 5 === 0 ? [2, 8, 40] : [],
            i % 2,
            (i % 2) * 300,
            i % 6 === 0 ? 1 : 0,
          ),
        }),
      );
      await store.writeMinutes(samples.slice(0, 45));
      await store.writeMinutes(samples.slice(45));

      const hours = await store.hours({ fromMs: T0, toMs: T0 + 2 * HOUR });
      expect(hours.map(h => [h.hour, h.minutes])).toEqual([
        [T0, 60],
        [T0 + HOUR, 30],
      ]);
      for (const hour of hours) {
        const mine = samples.filter(
          s => s.at >= hour.hour && s.at < hour.hour + HOUR,
        );
        const sum = (f: (s: MinuteSample) => number) =>
          mine.reduce((acc, s) => acc + f(s), 0);
        expect(hour).toMatchObject({
          poolId: 'p1',
          team: 'payments',
          flavor: 'm1.large',
          vmSeconds: sum(s => (s.vms + s.burstVms) * 60),
          burstVmSeconds: sum(s => s.burstVms * 60),
          vcpuSeconds: sum(s => (s.vms + s.burstVms) * 60 * 4),
          gibSeconds: sum(s => (s.vms + s.burstVms) * 60 * 6),
          busySlotSeconds: sum(s => s.busySlots * 60),
          totalSlotSeconds: sum(s => s.totalSlots * 60),
          jobsFinished: sum(s => s.jobs.finished),
          jobSeconds: sum(s => s.jobs.jobSeconds),
          jobsInterrupted: sum(s => s.jobs.interrupted),
          jobsStarted: sum(s => s.jobs.started),
          waitSecondsSum: sum(s => s.jobs.waitSecondsSum),
          waitSecondsMax: 40,
          pendingMax: 6,
          vmsMax: 4,
        });
        // 2 s, 8 s and 40 s waits in equal numbers: the p95 lies in the 30–60 s bin, capped
        // at the longest wait seen.
        expect(hour.waitP95).toBe(40);
      }

      // Jobs that finished after a minute was sampled correct that minute and its hour.
      await store.updateJobs([
        { poolId: 'p1', at: T0 + 10 * MINUTE, jobs: jobs([1], 3, 900, 2) },
      ]);
      const [first] = await store.hours({ fromMs: T0, toMs: T0 + HOUR });
      expect(first.jobsFinished).toBe(hours[0].jobsFinished + 3);
      expect(first.jobSeconds).toBe(hours[0].jobSeconds + 900);
      // Minute 10 had no interrupted job; its corrected figures say two.
      expect(first.jobsInterrupted).toBe(hours[0].jobsInterrupted + 2);
    });

    it('does not double count a minute written by two replicas', async () => {
      const { db, store: a } = await createStore(databaseId);
      const { store: b } = await createStore(databaseId, db);
      const minute = (vms: number) =>
        Array.from({ length: 50 }, (_, i) =>
          sample(`pool-${i}`, T0 + 5 * MINUTE + vms * 1000, { vms }),
        );
      // Both replicas sample the same minute at once, and one of them twice.
      await Promise.all([
        a.writeMinutes(minute(3)),
        b.writeMinutes(minute(3)),
        a.writeMinutes(minute(3)),
      ]);
      await a.rollup(T0);
      const totals = await b.totals(T0);
      expect(totals.size).toBe(50);
      expect(totals.get('pool-7')!.vmSeconds).toBe(3 * 60);
      const hours = await a.hours({ fromMs: T0, toMs: T0 + HOUR });
      expect(hours).toHaveLength(50);
      expect(hours.every(h => h.minutes === 1 && h.vmSeconds === 180)).toBe(
        true,
      );
      // A later sample of the same minute replaces the earlier one.
      await b.writeMinutes(minute(5));
      expect((await a.totals(T0)).get('pool-7')!.vmSeconds).toBe(5 * 60);
    });

    it('sums a window from minutes for its partial first hour and hours after it', async () => {
      const { store } = await createStore(databaseId);
      await store.writeMinutes(
        Array.from({ length: 180 }, (_, i) =>
          sample('p1', T0 + i * MINUTE, { vms: 1 }),
        ),
      );
      // [T0 + 30 min, T0 + 3 h): 150 minutes of one VM.
      const totals = await store.totals(T0 + 30 * MINUTE);
      expect(totals.get('p1')!.vmSeconds).toBe(150 * 60);
      expect((await store.totals(T0)).get('p1')!.vmSeconds).toBe(180 * 60);
    });

    it('prunes minutes after 48 h (whole hours) and hours after 90 days', async () => {
      const { db, store } = await createStore(databaseId);
      const now = T0 + 100 * DAY + 30 * MINUTE;
      const at = [
        now - 91 * DAY,
        now - 89 * DAY,
        now - 49 * HOUR,
        now - 48 * HOUR - 10 * MINUTE,
        now - 47 * HOUR,
        now - MINUTE,
      ];
      for (const t of at) await store.writeMinutes([sample('p1', t)]);
      expect(await store.prune(now)).toEqual({ minutes: 3, hours: 1 });
      const minutes = await db('runners_history_minutes').orderBy(
        'bucket_start',
      );
      // The minute 48 h 10 min ago shares its hour with kept minutes, so that hour stays whole.
      expect(minutes.map(m => Number(m.bucket_start))).toEqual([
        now - 48 * HOUR - 10 * MINUTE,
        now - 47 * HOUR,
        now - MINUTE,
      ]);
      const hours = await store.hours({ fromMs: 0, toMs: now + HOUR });
      expect(hours).toHaveLength(5);
      // Rolling up again does not shrink hours whose minutes are gone: 30-day cost survives.
      await store.rollup(now - 90 * DAY);
      expect((await store.totals(now - 90 * DAY)).get('p1')!.vmSeconds).toBe(
        5 * 120,
      );
    });
  },
);
