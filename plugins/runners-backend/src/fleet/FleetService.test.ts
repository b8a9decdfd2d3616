import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  insertTestPool,
  testHistoryStore,
  testRunnersConfig,
  testStore,
} from '../__testUtils__/stack';
import { PoolStore } from '../database/PoolStore';
import { CiPoller } from './CiPoller';
import { FleetCache } from './FleetCache';
import { CURRENT_POOLS_TTL_MS, FleetService } from './FleetService';

const databases = createTestDatabases();

describe('FleetService health views', () => {
  it('serve many requests from one read of the pools, and show a change through this replica at once', async () => {
    const config = testRunnersConfig('http://gitlab.invalid');
    const store = await testStore(databases);
    let reads = 0;
    const counting: PoolStore = Object.assign(Object.create(store), {
      listPools: (...args: Parameters<PoolStore['listPools']>) => {
        reads++;
        return store.listPools(...args);
      },
    });
    let now = Date.parse('2026-12-04T10:00:00Z');
    const logger = mockServices.logger.mock();
    const fleet = FleetService.create({
      store: counting,
      cache: FleetCache.create({ clusters: [], logger }),
      poller: CiPoller.create({ logger }),
      history: await testHistoryStore(databases),
      clusters: { primary: 'local' },
      logger,
      clock: () => now,
    });
    const pool = await insertTestPool(store, config);
    const summaries = await Promise.all(
      Array.from({ length: 50 }, async () =>
        fleet.summary(await fleet.currentPools()),
      ),
    );
    expect(reads).toBe(1);
    expect(summaries[49].teams.map(t => t.team)).toEqual([pool.team]);

    // A pool created through this replica shows in the next view, not after the TTL.
    const second = await insertTestPool(store, config);
    fleet.poolChanged();
    const teams = fleet.summary(await fleet.currentPools()).teams;
    expect(teams.map(t => t.team).sort()).toEqual(
      [pool.team, second.team].sort(),
    );
    expect(reads).toBe(2);
    // Changes from elsewhere (another replica's reconciler) show once the TTL has passed.
    now += CURRENT_POOLS_TTL_MS + 1;
    await fleet.currentPools();
    expect(reads).toBe(3);
  });
});
