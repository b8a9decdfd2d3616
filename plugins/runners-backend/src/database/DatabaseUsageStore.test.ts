import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { resolve } from 'node:path';
import { createTestDatabases } from '../__testUtils__/databases';
import { HOUR_RETENTION_MS } from './DatabaseHistoryStore';
import { DatabaseUsageStore } from './DatabaseUsageStore';
import { UsageHour } from './UsageStore';

const databases = createTestDatabases();
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 0, 0, 0);

const usage = (
  poolId: string,
  hour: number,
  cpuP95: number,
  more: Partial<UsageHour> = {},
): UsageHour => ({
  poolId,
  hour,
  flavor: 'm1.large',
  cpuP95,
  cpuMean: cpuP95 / 2,
  memoryP95: 0.5,
  memoryMean: 0.25,
  samples: 60,
  ...more,
});

async function createStore(knex: Knex, skipMigrations = false) {
  return DatabaseUsageStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
    skipMigrations,
  });
}

describe.each(databases.eachSupportedId())(
  'DatabaseUsageStore on %p',
  databaseId => {
    it('migrates up to the usage table and back down, leaving the history alone', async () => {
      const knex = await databases.init(databaseId);
      const directory = resolve(__dirname, '../../migrations');
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('runners_usage_hours')).toBe(true);
      const store = await createStore(knex, true);
      await store.writeHours([usage('p1', T0, 0.9)]);
      expect(await store.hours({ fromMs: T0, toMs: T0 + HOUR })).toHaveLength(
        1,
      );

      // By name: migrations of later changes may sort after this one.
      const name = '20261204200000_usage_hours.js';
      await knex.migrate.down({ directory, name });
      expect(await knex.schema.hasTable('runners_usage_hours')).toBe(false);
      expect(await knex.schema.hasTable('runners_history_hours')).toBe(true);
      await knex.migrate.up({ directory, name });
      const [count] = await knex('runners_usage_hours').count({ n: '*' });
      expect(Number(count.n)).toBe(0);
    });

    it('replaces an hour written twice (two replicas, or a retried task) and reads a window', async () => {
      const knex = await databases.init(databaseId);
      const store = await createStore(knex);
      await store.writeHours([
        usage('p1', T0, 0.5),
        usage('p1', T0 + HOUR, 0.6),
        usage('p2', T0, 0.1, { flavor: 'm1.xlarge' }),
      ]);
      await store.writeHours([usage('p1', T0, 0.95, { samples: 120 })]);

      expect(await store.hours({ fromMs: T0, toMs: T0 + HOUR })).toEqual([
        usage('p1', T0, 0.95, { samples: 120 }),
        usage('p2', T0, 0.1, { flavor: 'm1.xlarge' }),
      ]);
      expect(
        await store.hours({ fromMs: T0, toMs: T0 + 2 * HOUR, poolIds: ['p1'] }),
      ).toEqual([
        usage('p1', T0, 0.95, { samples: 120 }),
        usage('p1', T0 + HOUR, 0.6),
      ]);
      expect(
        await store.hours({ fromMs: T0, toMs: T0 + 2 * HOUR, poolIds: [] }),
      ).toEqual([]);
      expect(await store.latestHour()).toBe(T0 + HOUR);
    });

    it('prunes hours past the hour history retention', async () => {
      const knex = await databases.init(databaseId);
      const store = await createStore(knex);
      expect(await store.latestHour()).toBeUndefined();
      await store.writeHours([
        usage('p1', T0, 0.5),
        usage('p1', T0 + HOUR, 0.5),
      ]);
      expect(await store.prune(T0 + HOUR_RETENTION_MS + HOUR / 2)).toBe(1);
      expect(
        (await store.hours({ fromMs: 0, toMs: T0 + 2 * HOUR })).map(
          h => h.hour,
        ),
      ).toEqual([T0 + HOUR]);
    });
  },
);
