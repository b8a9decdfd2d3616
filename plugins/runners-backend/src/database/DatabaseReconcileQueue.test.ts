import {
  EXAMPLE_FLAVOR_CATALOG,
  examplePoolSpec,
} from '@runner-fleet/plugin-runners-common/testUtils';
import { mockServices } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabasePoolStore } from './DatabasePoolStore';

const databases = createTestDatabases();

async function setup(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  let now = new Date('2026-12-04T10:00:00Z');
  const clock = () => now;
  const store = await DatabasePoolStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
    clock,
  });
  const insert = (name: string) =>
    store.withTeam('payments', tx =>
      tx.insertPool({
        id: randomUUID(),
        team: 'payments',
        name,
        spec: examplePoolSpec({ team: 'payments', name }),
        flavor: EXAMPLE_FLAVOR_CATALOG.flavors[0],
        reserved: { cpu: 4, memoryGiB: 6 },
        state: 'provisioning',
        stateReason: 'new',
        stateCode: 'Requested',
        createdBy: 'user:default/guest',
      }),
    );
  return {
    store,
    queue: store.reconcileQueue(),
    insert,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseReconcileQueue on %p',
  databaseId => {
    it('gives each due pool to one replica at a time, and reruns a pool changed during its pass', async () => {
      const { queue, insert, advance } = await setup(databaseId);
      const pool = await insert('builds');
      // Creating a pool queued it in the same transaction.
      const a = await queue.claim('replica-a', { limit: 10, leaseMs: 60_000 });
      expect(a).toEqual([{ poolId: pool.id, failures: 0 }]);
      expect(
        await queue.claim('replica-b', { limit: 10, leaseMs: 60_000 }),
      ).toEqual([]);

      // A change arrives on replica b while a holds the lease: b cannot run it, but a's
      // release makes it due at once instead of after the resync interval.
      await queue.enqueue(pool.id);
      expect(
        await queue.claim('replica-b', { limit: 10, leaseMs: 60_000 }),
      ).toEqual([]);
      expect(
        await queue.release(pool.id, 'replica-a', { delayMs: 30_000 }),
      ).toBe(true);
      expect(
        await queue.claim('replica-b', { limit: 10, leaseMs: 60_000 }),
      ).toEqual([{ poolId: pool.id, failures: 0 }]);

      // Without a change, the next pass waits for the resync interval.
      await queue.release(pool.id, 'replica-b', { delayMs: 30_000 });
      expect(
        await queue.claim('replica-a', { limit: 10, leaseMs: 60_000 }),
      ).toEqual([]);
      advance(31_000);
      expect(
        await queue.claim('replica-a', { limit: 10, leaseMs: 60_000 }),
      ).toHaveLength(1);
    });

    it("hands a crashed replica's pools to another once the lease expires", async () => {
      const { queue, insert, advance } = await setup(databaseId);
      const pool = await insert('builds');
      await queue.claim('replica-a', { limit: 1, leaseMs: 10_000 });
      advance(5_000);
      expect(await queue.renew(pool.id, 'replica-a', 10_000)).toBe(true);
      advance(9_000);
      expect(
        await queue.claim('replica-b', { limit: 1, leaseMs: 10_000 }),
      ).toEqual([]);
      advance(2_000);
      expect(
        await queue.claim('replica-b', { limit: 1, leaseMs: 10_000 }),
      ).toEqual([{ poolId: pool.id, failures: 0 }]);
      // The crashed replica's late release and renewal do not touch b's lease.
      expect(await queue.renew(pool.id, 'replica-a', 10_000)).toBe(false);
      expect(await queue.release(pool.id, 'replica-a', { delayMs: 0 })).toBe(
        false,
      );
      expect((await queue.list())[0].leaseOwner).toBe('replica-b');
    });

    it('counts failed passes in a row for backoff and resets them on success', async () => {
      const { queue, insert, advance } = await setup(databaseId);
      const pool = await insert('builds');
      for (const expected of [0, 1, 2]) {
        const [claimed] = await queue.claim('r', { limit: 1, leaseMs: 1000 });
        expect(claimed.failures).toBe(expected);
        await queue.release(pool.id, 'r', { delayMs: 100, failed: true });
        advance(200);
      }
      await queue.claim('r', { limit: 1, leaseMs: 1000 });
      await queue.release(pool.id, 'r', { delayMs: 100 });
      advance(200);
      const [claimed] = await queue.claim('r', { limit: 1, leaseMs: 1000 });
      expect(claimed.failures).toBe(0);
    });

    it('claims at most the limit, oldest due first', async () => {
      const { queue, insert, advance } = await setup(databaseId);
      const first = await insert('a');
      advance(1000);
      await insert('b');
      advance(1000);
      await insert('c');
      const claimed = await queue.claim('r', { limit: 2, leaseMs: 1000 });
      expect(claimed).toHaveLength(2);
      expect(claimed[0].poolId).toBe(first.id);
      expect(await queue.claim('s', { limit: 5, leaseMs: 1000 })).toHaveLength(
        1,
      );
    });
  },
);
