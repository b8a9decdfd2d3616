import { mockServices } from '@backstage/backend-test-utils';
import {
  EXAMPLE_FLAVOR_CATALOG,
  examplePoolSpec,
} from '@runner-fleet/plugin-runners-common/testUtils';
import { randomUUID } from 'node:crypto';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabasePoolStore } from './DatabasePoolStore';

const databases = createTestDatabases();
const flavor = EXAMPLE_FLAVOR_CATALOG.flavors[0];

async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  return DatabasePoolStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
}

function newPool(name: string, team = 'payments') {
  return {
    id: randomUUID(),
    team,
    name,
    spec: examplePoolSpec({ team, name }),
    flavor,
    reserved: { cpu: 20, memoryGiB: 30 },
    state: 'provisioning' as const,
    stateReason: 'waiting for the reconciler',
    stateCode: 'Requested' as const,
    createdBy: 'user:default/guest',
  };
}

describe.each(databases.eachSupportedId())(
  'DatabasePoolStore on %p',
  databaseId => {
    it('stores pools, keeps names unique per live team pool, and sums reservations', async () => {
      const store = await createStore(databaseId);
      const a = await store.withTeam('payments', tx =>
        tx.insertPool(newPool('builds')),
      );
      await store.withTeam('payments', tx => tx.insertPool(newPool('deploys')));
      await store.withTeam('search', tx =>
        tx.insertPool(newPool('builds', 'search')),
      );

      await expect(
        store.withTeam('payments', tx => tx.insertPool(newPool('builds'))),
      ).rejects.toThrow("team 'payments' already has a pool named 'builds'");

      await expect(
        store.withTeam('payments', tx => tx.usage()),
      ).resolves.toEqual({
        cpu: 40,
        memoryGiB: 60,
        pools: 2,
        storageGiB: 0,
      });
      expect(a).toMatchObject({
        generation: 1,
        observedGeneration: 0,
        state: 'provisioning',
      });
      expect(
        (await store.listPools({ teams: ['payments'] })).map(p => p.name),
      ).toEqual(['builds', 'deploys']);

      // A deleted pool frees its name and its reservation.
      await store.updatePool(
        a.id,
        a.version,
        { deleted: true },
        { state: 'deleted', reason: 'torn down', code: 'Deleted' },
      );
      await expect(
        store.withTeam('payments', tx => tx.usage()),
      ).resolves.toMatchObject({ pools: 1 });
      await store.withTeam('payments', tx => tx.insertPool(newPool('builds')));
      expect(await store.listPools({ includeDeleted: true })).toHaveLength(4);
    });

    it('bumps the generation and records every state change with its reason', async () => {
      const store = await createStore(databaseId);
      const pool = await store.withTeam('payments', tx =>
        tx.insertPool(newPool('builds')),
      );
      const changed = await store.updatePool(
        pool.id,
        pool.version,
        { bumpGeneration: true, spec: { ...pool.spec, description: 'x' } },
        {
          state: 'provisioning',
          reason: 'applying generation 2',
          code: 'ApplyingChange',
          actor: 'user:default/guest',
        },
      );
      const updated = await store.updatePool(
        pool.id,
        changed!.version,
        { observedGeneration: 2, gitlabRunnerId: 42 },
        {
          state: 'ready',
          reason: '1 of 1 VMs ready',
          code: 'Ready',
        },
      );
      expect(updated).toMatchObject({
        generation: 2,
        observedGeneration: 2,
        gitlabRunnerId: 42,
        state: 'ready',
        stateCode: 'Ready',
      });
      expect(updated!.spec.description).toBe('x');
      const events = await store.listEvents(pool.id);
      expect(events.map(e => [e.state, e.code, e.reason])).toEqual([
        ['provisioning', 'Requested', 'waiting for the reconciler'],
        ['provisioning', 'ApplyingChange', 'applying generation 2'],
        ['ready', 'Ready', '1 of 1 VMs ready'],
      ]);
    });

    it('reads rows written before reason codes with a code derived from the state', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabasePoolStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const pool = await store.withTeam('payments', tx =>
        tx.insertPool(newPool('legacy')),
      );
      await knex('runners_pools')
        .where({ id: pool.id })
        .update({ state: 'degraded', state_code: null });
      await knex('runners_pool_events')
        .where({ pool_id: pool.id })
        .update({ code: 'SomethingNewer' });
      expect(await store.getPool(pool.id)).toMatchObject({
        state: 'degraded',
        stateCode: 'BelowMinimum',
      });
      const [event] = await store.listEvents(pool.id);
      expect(event.code).toBe('Unknown');
    });

    it('writes a pool only if it is still the version the writer read', async () => {
      const store = await createStore(databaseId);
      const read = await store.withTeam('payments', tx =>
        tx.insertPool(newPool('builds')),
      );
      // Two writers read the same version: a user's delete and a reconcile pass.
      const deleted = await store.updatePool(
        read.id,
        read.version,
        { deleteRequested: { force: false } },
        {
          state: 'deleting',
          reason: 'draining',
          code: 'Draining',
          actor: 'user:default/guest',
        },
      );
      expect(deleted).toMatchObject({
        state: 'deleting',
        version: read.version + 1,
        deleteForce: false,
      });
      expect(deleted!.deleteRequestedAt).toBeDefined();
      const stale = await store.updatePool(
        read.id,
        read.version,
        { observedGeneration: 1 },
        { state: 'ready', reason: '1 of 1 VMs ready', code: 'Ready' },
      );
      expect(stale).toBeUndefined();
      expect(await store.getPool(read.id)).toMatchObject({
        state: 'deleting',
        observedGeneration: 0,
      });
      expect((await store.listEvents(read.id)).map(e => e.state)).toEqual([
        'provisioning',
        'deleting',
      ]);
      await expect(
        store.updatePool('00000000-0000-4000-8000-000000000000', 1, {}),
      ).rejects.toThrow('does not exist');
    });

    it('keeps the golden image version a pool is pinned to, and unpins it', async () => {
      const store = await createStore(databaseId);
      const pinned = {
        dataSource: 'runner-fleet-images/windows-2022-golden',
        kind: 'pvc' as const,
        namespace: 'runner-fleet-images',
        name: 'windows-2022-v1',
      };
      const read = await store.withTeam('payments', tx =>
        tx.insertPool({ ...newPool('win'), goldenImage: pinned }),
      );
      expect(read.goldenImage).toEqual(pinned);
      const linux = await store.withTeam('payments', tx =>
        tx.insertPool(newPool('linux')),
      );
      expect(linux.goldenImage).toBeUndefined();
      const moved = await store.updatePool(read.id, read.version, {
        goldenImage: { ...pinned, kind: 'snapshot', name: 'windows-2022-v2' },
      });
      expect((await store.getPool(read.id))!.goldenImage).toEqual({
        dataSource: 'runner-fleet-images/windows-2022-golden',
        kind: 'snapshot',
        namespace: 'runner-fleet-images',
        name: 'windows-2022-v2',
      });
      // A patch without the field leaves the pin alone; null removes it.
      const kept = await store.updatePool(read.id, moved!.version, {
        observedGeneration: 1,
      });
      expect(kept!.goldenImage).toMatchObject({ name: 'windows-2022-v2' });
      await store.updatePool(read.id, kept!.version, { goldenImage: null });
      expect((await store.getPool(read.id))!.goldenImage).toBeUndefined();
    });

    it('decides a request once', async () => {
      const store = await createStore(databaseId);
      const pool = await store.withTeam('payments', tx =>
        tx.insertPool(newPool('big')),
      );
      const request = await store.withTeam('payments', tx =>
        tx.insertRequest({
          poolId: pool.id,
          team: 'payments',
          poolName: 'big',
          reasons: ['custom-flavor'],
          summary: 'custom flavor 24 vCPU / 64 GiB',
          requestedBy: 'user:default/guest',
        }),
      );
      expect(await store.listRequests({ status: 'pending' })).toEqual([
        expect.objectContaining({
          id: request.id,
          poolName: 'big',
          reasons: ['custom-flavor'],
        }),
      ]);
      await store.withTeam('payments', tx =>
        tx.decideRequest(request.id, {
          status: 'approved',
          by: 'user:default/ada.platform',
        }),
      );
      await expect(
        store.withTeam('payments', tx =>
          tx.decideRequest(request.id, {
            status: 'rejected',
            by: 'user:default/ada.platform',
          }),
        ),
      ).rejects.toThrow('was already approved');
      expect(await store.getRequest(request.id)).toMatchObject({
        status: 'approved',
        decidedBy: 'user:default/ada.platform',
      });
    });

    it('serialises team transactions so concurrent reservations see each other', async () => {
      const store = await createStore(databaseId);
      const limit = 5;
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          store.withTeam('payments', async tx => {
            const usage = await tx.usage();
            if (usage.pools >= limit) throw new Error('over quota');
            return tx.insertPool(newPool(`p${i}`));
          }),
        ),
      );
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(limit);
      expect(await store.listPools({ teams: ['payments'] })).toHaveLength(
        limit,
      );
    });

    it('prunes events by age and count per pool, and deleted pools after their retention', async () => {
      const knex = await databases.init(databaseId);
      let now = new Date('2026-01-01T00:00:00Z');
      const store = await DatabasePoolStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
        clock: () => now,
      });
      const day = 86_400_000;
      const busy = await store.withTeam('payments', tx =>
        tx.insertPool(newPool('busy')),
      );
      const gone = await store.withTeam('payments', tx =>
        tx.insertPool(newPool('gone')),
      );
      // Ten state changes of `busy`, one a day.
      let version = busy.version;
      for (let i = 0; i < 10; i++) {
        now = new Date(now.getTime() + day);
        const state = i % 2 ? ('ready' as const) : ('degraded' as const);
        version = (await store.updatePool(
          busy.id,
          version,
          {},
          {
            state,
            reason: `step ${i}`,
            code: state === 'ready' ? 'Ready' : 'BelowMinimum',
          },
        ))!.version;
      }
      await store.updatePool(
        gone.id,
        gone.version,
        { deleted: true },
        { state: 'deleted', reason: 'torn down', code: 'Deleted' },
      );
      const deletedAt = now;
      // Events older than 5 days go; of the rest, the newest 3 per pool stay.
      const pruned = await store.pruneEvents({
        olderThan: new Date(now.getTime() - 5 * day),
        keepPerPool: 3,
      });
      const reasons = (await store.listEvents(busy.id)).map(e => e.reason);
      expect(reasons).toEqual(['step 7', 'step 8', 'step 9']);
      expect(pruned).toBeGreaterThanOrEqual(7);
      expect((await store.listEvents(gone.id)).length).toBeGreaterThan(0);

      // A deleted pool stays until its retention has passed, then goes with its events.
      expect(
        await store.pruneDeletedPools({
          deletedBefore: new Date(deletedAt.getTime() - 1),
        }),
      ).toBe(0);
      expect(
        await store.pruneDeletedPools({
          deletedBefore: new Date(deletedAt.getTime() + 1),
        }),
      ).toBe(1);
      expect(
        (await store.listPools({ includeDeleted: true })).map(p => p.name),
      ).toEqual(['busy']);
      expect(await store.listEvents(gone.id)).toEqual([]);
      expect(await store.getPool(busy.id)).toBeDefined();
    });
  },
);
