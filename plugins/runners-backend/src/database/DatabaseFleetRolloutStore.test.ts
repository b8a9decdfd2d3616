import { mockServices } from '@backstage/backend-test-utils';
import { EXAMPLE_FLAVOR_CATALOG } from '@runner-fleet/plugin-runners-common/testUtils';
import { resolve } from 'node:path';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseFleetRolloutStore } from './DatabaseFleetRolloutStore';
import { FleetRolloutWrite } from './FleetRolloutStore';

const databases = createTestDatabases();
const flavor = EXAMPLE_FLAVOR_CATALOG.flavors[0];

async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  let now = new Date('2026-12-04T10:00:00.000Z');
  const store = await DatabaseFleetRolloutStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
    clock: () => now,
  });
  const write: FleetRolloutWrite = {
    flavor: flavor.name,
    target: { ...flavor, image: 'registry.example.com/runner:17.6' },
    phase: 'canary',
    canaryPools: 1,
    maxVmPercent: 25,
    admitted: [],
    reason: 'Started',
    message: 'started',
    createdBy: 'user:default/platform',
  };
  return {
    knex,
    store,
    write,
    tick: () => {
      now = new Date(now.getTime() + 1000);
    },
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseFleetRolloutStore on %p',
  databaseId => {
    it('round-trips a rollout and writes only on the version it read', async () => {
      const { store, write, tick } = await createStore(databaseId);
      const created = await store.create(write);
      expect(created).toMatchObject({ ...write, version: 1 });
      expect(created.createdAt).toBe('2026-12-04T10:00:00.000Z');
      tick();
      const admitted = {
        poolId: 'p1',
        previousFlavor: flavor,
        generation: 3,
        canary: true,
        admittedAt: '2026-12-04T10:00:01.000Z',
      };
      const next = await store.update(created.id, 1, {
        ...write,
        admitted: [admitted],
        reason: 'CanaryRolling',
      });
      expect(next).toMatchObject({ version: 2, admitted: [admitted] });
      expect(next!.updatedAt).toBe('2026-12-04T10:00:01.000Z');
      // Another replica that read version 1 loses and writes nothing.
      expect(
        await store.update(created.id, 1, { ...write, phase: 'paused' }),
      ).toBeUndefined();
      expect((await store.get(created.id))!.phase).toBe('canary');
      expect(await store.get('missing')).toBeUndefined();
    });

    it("keeps the golden image version a Windows flavor rollout moves pins to, and each pool's previous pin", async () => {
      const { store, write } = await createStore(databaseId);
      const v1 = {
        dataSource: 'runner-fleet-images/windows-2022-golden',
        kind: 'pvc' as const,
        namespace: 'runner-fleet-images',
        name: 'windows-2022-v1',
      };
      const v2 = { ...v1, name: 'windows-2022-v2' };
      const created = await store.create({ ...write, targetGoldenImage: v2 });
      expect(created.targetGoldenImage).toEqual(v2);
      const admitted = {
        poolId: 'p1',
        previousFlavor: flavor,
        previousGoldenImage: v1,
        generation: 2,
        canary: true,
        admittedAt: '2026-12-04T10:00:01.000Z',
      };
      await store.update(created.id, created.version, {
        ...write,
        targetGoldenImage: v2,
        admitted: [admitted],
      });
      expect(await store.get(created.id)).toMatchObject({
        targetGoldenImage: v2,
        admitted: [admitted],
      });
      // A Linux flavor's rollout moves no pins.
      expect((await store.create(write)).targetGoldenImage).toBeUndefined();
    });

    it('lists newest first and only open ones when asked', async () => {
      const { store, write, tick } = await createStore(databaseId);
      const old = await store.create(write);
      await store.update(old.id, 1, {
        ...write,
        phase: 'complete',
        reason: 'Complete',
        finishedAt: '2026-12-04T10:00:00.500Z',
      });
      tick();
      const open = await store.create({
        ...write,
        phase: 'paused',
        resumePhase: 'rolling',
      });
      expect((await store.list()).map(r => r.id)).toEqual([open.id, old.id]);
      const listed = await store.list({ open: true });
      expect(listed.map(r => r.id)).toEqual([open.id]);
      expect(listed[0].resumePhase).toBe('rolling');
      expect((await store.get(old.id))!.finishedAt).toBe(
        '2026-12-04T10:00:00.500Z',
      );
    });

    it('migrates up and down', async () => {
      const { knex } = await createStore(databaseId);
      const directory = resolve(__dirname, '../../migrations');
      const name = '20261204160000_fleet_rollouts.js';
      expect(await knex.schema.hasTable('runners_fleet_rollouts')).toBe(true);
      await knex.migrate.down({ directory, name });
      expect(await knex.schema.hasTable('runners_fleet_rollouts')).toBe(false);
      expect(await knex.schema.hasTable('runners_rollouts')).toBe(true);
      await knex.migrate.up({ directory, name });
      expect(await knex.schema.hasTable('runners_fleet_rollouts')).toBe(true);
    });
  },
);
