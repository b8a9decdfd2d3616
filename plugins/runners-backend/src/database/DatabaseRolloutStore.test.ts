import { mockServices } from '@backstage/backend-test-utils';
import {
  EXAMPLE_FLAVOR_CATALOG,
  examplePoolSpec,
} from '@runner-fleet/plugin-runners-common/testUtils';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabasePoolStore } from './DatabasePoolStore';
import { DatabaseRolloutStore } from './DatabaseRolloutStore';
import { RolloutWrite } from './RolloutStore';

const databases = createTestDatabases();
const flavor = EXAMPLE_FLAVOR_CATALOG.flavors[0];

async function createStores(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex, migrations: { skip: false } });
  const pools = await DatabasePoolStore.create({ database });
  const rollouts = await DatabaseRolloutStore.create({ database });
  const spec = examplePoolSpec({ team: 'payments', name: 'builds' });
  const pool = await pools.withTeam('payments', tx =>
    tx.insertPool({
      id: randomUUID(),
      team: 'payments',
      name: 'builds',
      spec,
      flavor,
      reserved: { cpu: 20, memoryGiB: 30 },
      state: 'ready',
      stateReason: 'test',
      stateCode: 'Ready',
      createdBy: 'user:default/guest',
    }),
  );
  const write: RolloutWrite = {
    poolId: pool.id,
    phase: 'rolling',
    reason: 'Replacing',
    message: 'rolling out: 1 new, 2 old, 0 draining',
    targetHash: 'abc',
    stableHash: 'old',
    stableSpec: spec,
    stableFlavor: flavor,
    stableGoldenImage: {
      dataSource: 'runner-fleet-images/windows-2022-golden',
      kind: 'pvc',
      namespace: 'runner-fleet-images',
      name: 'windows-2022-v1',
    },
    vms: { outdated: 2, updated: 1, draining: 0 },
    replaced: 1,
    startedAt: '2026-12-04T10:00:00.000Z',
    progressAt: '2026-12-04T10:01:00.000Z',
  };
  return { knex, pools, rollouts, pool, write };
}

describe.each(databases.eachSupportedId())(
  'DatabaseRolloutStore on %p',
  databaseId => {
    it('round-trips a rollout and writes only on the version it read', async () => {
      const { pools, rollouts, pool, write } = await createStores(databaseId);
      const first = await rollouts.save(write, undefined, {
        state: 'ready',
        reason: 'rollout started: 2 VMs of 3 run an outdated template',
      });
      expect(first).toMatchObject({ ...write, version: 1 });
      // A second first write (another replica) loses.
      expect(await rollouts.save(write, undefined)).toBeUndefined();
      const next = await rollouts.save(
        { ...write, replaced: 2 },
        first!.version,
      );
      expect(next).toMatchObject({ version: 2, replaced: 2 });
      // A writer that read version 1 loses now.
      expect(
        await rollouts.save({ ...write, phase: 'halted' }, first!.version),
      ).toBeUndefined();
      expect((await rollouts.get(pool.id))!.phase).toBe('rolling');
      expect(await rollouts.list()).toHaveLength(1);
      const timeline = await pools.listEvents(pool.id);
      expect(timeline.map(e => e.reason)).toContain(
        'rollout started: 2 VMs of 3 run an outdated template',
      );
    });

    it('migrates up and down', async () => {
      const { knex } = await createStores(databaseId);
      const directory = resolve(__dirname, '../../migrations');
      expect(await knex.schema.hasTable('runners_rollouts')).toBe(true);
      // By name: migrations of later changes may sort after this one.
      const name = '20261204140000_rollouts.js';
      await knex.migrate.down({ directory, name });
      expect(await knex.schema.hasTable('runners_rollouts')).toBe(false);
      expect(await knex.schema.hasTable('runners_pools')).toBe(true);
      await knex.migrate.up({ directory, name });
      expect(await knex.schema.hasTable('runners_rollouts')).toBe(true);
    });
  },
);
