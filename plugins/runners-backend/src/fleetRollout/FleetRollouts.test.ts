import { mockServices } from '@backstage/backend-test-utils';
import { FlavorCatalog } from '@runner-fleet/plugin-runners-common';
import {
  EXAMPLE_FLAVOR_CATALOG,
  examplePoolSpec,
} from '@runner-fleet/plugin-runners-common/testUtils';
import { randomUUID } from 'node:crypto';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseFleetRolloutStore } from '../database/DatabaseFleetRolloutStore';
import { DatabasePoolStore } from '../database/DatabasePoolStore';
import { DatabaseRolloutStore } from '../database/DatabaseRolloutStore';
import { FleetRollouts } from './FleetRollouts';

const databases = createTestDatabases();
const old = EXAMPLE_FLAVOR_CATALOG.flavors.find(f => f.name === 'm1.large')!;
const target = { ...old, image: 'registry.example.com/runner:17.6' };
const catalog: FlavorCatalog = {
  ...EXAMPLE_FLAVOR_CATALOG,
  flavors: EXAMPLE_FLAVOR_CATALOG.flavors.map(f =>
    f.name === old.name ? target : f,
  ),
};

async function setup(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex, migrations: { skip: false } });
  const store = await DatabasePoolStore.create({ database });
  const rollouts = await DatabaseRolloutStore.create({ database });
  const fleetRollouts = await DatabaseFleetRolloutStore.create({ database });
  const vms: Record<string, number> = {};
  const changed: string[] = [];
  const service = FleetRollouts.create({
    store,
    rollouts,
    fleetRollouts,
    catalog,
    vmCount: id => vms[id],
    onChange: id => changed.push(id),
    logger: mockServices.logger.mock(),
  });
  const addPool = async (name: string, size: number) => {
    const spec = examplePoolSpec({ team: 'payments', name });
    const pool = await store.withTeam('payments', tx =>
      tx.insertPool({
        id: randomUUID(),
        team: 'payments',
        name,
        spec,
        flavor: old,
        reserved: { cpu: 20, memoryGiB: 30 },
        state: 'ready',
        stateReason: 'test',
        stateCode: 'Ready',
        createdBy: 'user:default/guest',
      }),
    );
    vms[pool.id] = size;
    return pool;
  };
  /** What a reconcile pass and the pool's own rollout do once they are through. */
  const rolled = async (poolId: string) => {
    const pool = (await store.getPool(poolId))!;
    await store.updatePool(poolId, pool.version, {
      observedGeneration: pool.generation,
    });
    const rollout = await rollouts.get(poolId);
    await rollouts.save(
      {
        poolId,
        phase: 'stable',
        reason: 'Complete',
        message: 'rollout complete',
        targetHash: 'new',
        stableHash: 'new',
        vms: { outdated: 0, updated: 0, draining: 0 },
        replaced: vms[poolId],
      },
      rollout?.version,
    );
  };
  return { store, service, addPool, rolled, changed };
}

describe.each(databases.eachSupportedId())(
  'FleetRollouts on %p',
  databaseId => {
    it('refuses an unknown flavor naming the known ones, and a flavor with nothing to roll', async () => {
      const { service, addPool } = await setup(databaseId);
      await expect(
        service.start({ flavor: 'm9.huge' }, 'user:default/platform'),
      ).rejects.toThrow(
        /flavor: 'm9.huge' is not in the catalog; known flavors: .*m1\.large/,
      );
      await expect(
        service.start({ flavor: 'm1.large' }, 'user:default/platform'),
      ).rejects.toThrow(/nothing to roll/);
      await addPool('builds', 2);
      await expect(
        service.start(
          { flavor: 'm1.large', maxVmPercent: 0 },
          'user:default/platform',
        ),
      ).rejects.toThrow(/maxVmPercent/);
    });

    it('admits the smallest pool first, the rest only after it rolled, pauses and resumes', async () => {
      const { service, store, addPool, rolled, changed } = await setup(
        databaseId,
      );
      const small = await addPool('small', 2);
      const mid = await addPool('mid', 4);
      const big = await addPool('big', 6);

      const started = await service.start(
        { flavor: 'm1.large' },
        'user:default/platform',
      );
      const id = started.rollout.id;
      expect(started.rollout.phase).toBe('canary');
      expect(started.rollout.admitted.map(a => a.poolId)).toEqual([small.id]);
      const canary = (await store.getPool(small.id))!;
      expect(canary.flavor.image).toBe(target.image);
      expect(canary.generation).toBe(small.generation + 1);
      expect(changed).toEqual([small.id]);
      expect((await store.getPool(mid.id))!.flavor.image).toBe(old.image);
      expect(started.progress).toMatchObject({ pools: 3, poolsDone: 0 });

      // The canary has not rolled: another step admits nothing.
      await service.advanceAll();
      expect((await service.get(id)).rollout.admitted).toHaveLength(1);

      await rolled(small.id);
      await service.pause(id);
      await service.advanceAll();
      const paused = await service.get(id);
      expect(paused.rollout.phase).toBe('paused');
      expect(paused.rollout.admitted).toHaveLength(1);
      expect(paused.progress).toMatchObject({ poolsDone: 1 });

      // 12 VMs, 25 %: 3 may roll; mid (4) goes alone as nothing else rolls, big waits.
      const resumed = await service.resume(id);
      expect(resumed.rollout.phase).toBe('rolling');
      expect(resumed.rollout.admitted.map(a => a.poolId)).toEqual([
        small.id,
        mid.id,
      ]);
      await service.advanceAll();
      expect((await service.get(id)).rollout.reason).toBe('WaitingForPools');

      await rolled(mid.id);
      await service.advanceAll();
      expect((await store.getPool(big.id))!.flavor.image).toBe(target.image);
      await rolled(big.id);
      await service.advanceAll();
      const done = await service.get(id);
      expect(done.rollout.phase).toBe('complete');
      expect(done.progress).toMatchObject({
        pools: 3,
        poolsDone: 3,
        vms: 12,
        vmsNew: 12,
      });
      await expect(
        service.start({ flavor: 'm1.large' }, 'user:default/platform'),
      ).rejects.toThrow(/nothing to roll/);
    });

    it('abort gives an admitted pool not rolled yet its previous flavor back, and stops admitting', async () => {
      const { service, store, addPool } = await setup(databaseId);
      const small = await addPool('small', 1);
      const big = await addPool('big', 5);
      const { rollout } = await service.start(
        { flavor: 'm1.large' },
        'user:default/platform',
      );
      await expect(
        service.start({ flavor: 'm1.large' }, 'user:default/platform'),
      ).rejects.toThrow(/already being rolled out/);
      const aborted = await service.abort(rollout.id, 'user:default/platform');
      expect(aborted.rollout.phase).toBe('aborted');
      // Nothing counts as rolled: the admitted pool says it went back.
      expect(aborted.progress).toMatchObject({ poolsDone: 0, vmsNew: 0 });
      expect(aborted.pools.find(p => p.poolId === small.id)).toMatchObject({
        vms: { new: 0 },
        message: expect.stringMatching(/^returned to its previous definition/),
      });
      expect((await store.getPool(small.id))!.flavor.image).toBe(old.image);
      await service.advanceAll();
      expect((await store.getPool(big.id))!.flavor.image).toBe(old.image);
      await expect(service.resume(rollout.id)).rejects.toThrow(/aborted/);
    });

    it('rolls a Windows flavor whose catalog entry is unchanged to the version its DataSource names now, pinning unpinned pools too', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      const store = await DatabasePoolStore.create({ database });
      const win = EXAMPLE_FLAVOR_CATALOG.flavors.find(
        f => f.name === 'win.xlarge',
      )!;
      const v1 = {
        dataSource: win.image,
        kind: 'pvc' as const,
        namespace: 'runner-fleet-images',
        name: 'windows-2022-v1',
      };
      const v2 = { ...v1, name: 'windows-2022-v2' };
      const insert = (name: string, goldenImage?: typeof v1) =>
        store.withTeam('payments', tx =>
          tx.insertPool({
            id: randomUUID(),
            team: 'payments',
            name,
            spec: examplePoolSpec({ team: 'payments', name, flavor: win.name }),
            flavor: win,
            goldenImage,
            reserved: { cpu: 16, memoryGiB: 32 },
            state: 'ready',
            stateReason: 'test',
            stateCode: 'Ready',
            createdBy: 'user:default/guest',
          }),
        );
      const pinned = await insert('pinned', v1);
      const legacy = await insert('legacy');
      const current = await insert('current', v2);
      const service = FleetRollouts.create({
        store,
        rollouts: await DatabaseRolloutStore.create({ database }),
        fleetRollouts: await DatabaseFleetRolloutStore.create({ database }),
        catalog: EXAMPLE_FLAVOR_CATALOG,
        vmCount: () => 2,
        goldenImageOf: async image => (image === win.image ? v2 : undefined),
        logger: mockServices.logger.mock(),
      });
      const started = await service.start(
        { flavor: win.name, canaryPools: 2 },
        'user:default/platform',
      );
      expect(started.rollout.targetGoldenImage).toEqual(v2);
      // The pool already on the current version takes no part.
      expect(started.pools.map(p => p.poolId).sort()).toEqual(
        [pinned.id, legacy.id].sort(),
      );
      for (const id of [pinned.id, legacy.id]) {
        const pool = (await store.getPool(id))!;
        expect(pool.goldenImage).toEqual(v2);
        expect(pool.generation).toBe(2);
      }
      expect(
        started.rollout.admitted.find(a => a.poolId === legacy.id)!
          .previousGoldenImage,
      ).toBeUndefined();
      expect((await store.getPool(current.id))!.generation).toBe(1);

      // Abort before their passes: the old pins come back (none for the unpinned pool).
      await service.abort(started.rollout.id, 'user:default/platform');
      expect((await store.getPool(pinned.id))!.goldenImage).toEqual(v1);
      expect((await store.getPool(legacy.id))!.goldenImage).toBeUndefined();
    });
  },
);
