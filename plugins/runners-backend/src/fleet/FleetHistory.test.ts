import {
  EXAMPLE_FLAVOR_CATALOG,
  examplePoolSpec,
} from '@runner-fleet/plugin-runners-common/testUtils';
import { mockServices } from '@backstage/backend-test-utils';
import { LABELS } from '@runner-fleet/plugin-runners-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseHistoryStore } from '../database/DatabaseHistoryStore';
import { DatabasePoolStore } from '../database/DatabasePoolStore';
import { MinuteSample } from '../database/HistoryStore';
import { PoolRecord } from '../database/PoolStore';
import { CiPoller } from './CiPoller';
import { FleetCache } from './FleetCache';
import { FleetService } from './FleetService';

const databases = createTestDatabases();
const flavor = EXAMPLE_FLAVOR_CATALOG.flavors[0];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** 12:30:20 on a day: the hour and minute edges below are deliberate. */
const T = Date.UTC(2026, 11, 4, 12, 30, 20);
const NOON = Date.UTC(2026, 11, 4, 12, 0, 0);

/** A backend replica's fleet service over a database: new stores, cache and poller each time. */
async function startReplica(knex: Knex, clock: () => number) {
  const database = mockServices.database({ knex, migrations: { skip: false } });
  const store = await DatabasePoolStore.create({ database });
  const logger = mockServices.logger.mock();
  const cache = FleetCache.create({ clusters: [], logger });
  const fleet = FleetService.create({
    store,
    cache,
    poller: CiPoller.create({ logger }),
    history: await DatabaseHistoryStore.create({ database }),
    clusters: { primary: 'local' },
    logger,
    clock,
  });
  return { store, cache, fleet };
}

/** What the watch cache would hold for the pool: 3 VMs, all ready. */
function showVms(cache: FleetCache, pool: PoolRecord) {
  cache.ingest('local', 'replicaSets', {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstanceReplicaSet',
    metadata: {
      name: 'rf-builds',
      namespace: 'runners-payments',
      uid: 'rs-1',
      labels: { [LABELS.pool]: pool.id, [LABELS.role]: 'primary' },
    },
    spec: { replicas: 3 },
    status: { replicas: 3, readyReplicas: 3 },
  });
}

describe.each(databases.eachSupportedId())(
  'fleet history across a restart on %p',
  databaseId => {
    it('serves the same 1 h / 24 h utilisation, 24 h and 30-day cost after a restart', async () => {
      const knex = await databases.init(databaseId);
      let now = T;
      const first = await startReplica(knex, () => now);
      const pool = await first.store.withTeam('payments', tx =>
        tx.insertPool({
          id: randomUUID(),
          team: 'payments',
          name: 'builds',
          spec: examplePoolSpec({ team: 'payments', name: 'builds' }),
          flavor,
          reserved: { cpu: 20, memoryGiB: 30 },
          state: 'provisioning',
          stateReason: 'waiting for the reconciler',
          stateCode: 'Requested',
          createdBy: 'user:default/guest',
        }),
      );
      showVms(first.cache, pool);

      // A month of history as earlier samplers left it: one sampled minute per hour (2 VMs,
      // 1 of 4 slots busy) until two hours ago, then every minute (3 VMs, 0–2 of 6 busy).
      const history = await DatabaseHistoryStore.create({
        database: mockServices.database({ knex }),
      });
      const at = (time: number, vms: number, busy: number, total: number) =>
        ({
          poolId: pool.id,
          at: time,
          team: pool.team,
          poolName: pool.name,
          flavor,
          vms,
          burstVms: 0,
          busySlots: busy,
          totalSlots: total,
          pending: 0,
          jobs: {
            finished: 0,
            jobSeconds: 0,
            interrupted: 0,
            started: 0,
            waitSecondsSum: 0,
            waitSecondsMax: 0,
            waitHistogram: [],
          },
        } satisfies MinuteSample);
      const hourly = Array.from({ length: 698 }, (_, k) =>
        at(NOON - (k + 3) * HOUR + 5 * MINUTE, 2, 1, 4),
      );
      const dense = Array.from({ length: 120 }, (_, i) =>
        at(T - (i + 1) * MINUTE, 3, (i + 1) % 3, 6),
      );
      await history.writeMinutes([...hourly, ...dense]);

      // The running replica samples this minute (3 ready VMs, none busy) and serves figures.
      await first.fleet.refresh();
      await first.fleet.recordHistory();
      now = T + 31_000;
      await first.fleet.refresh();
      const before = first.fleet.poolHealth(pool);

      const J = flavor.jobSlots;
      // 1 h: the minutes 11:31–12:29 and this one. 24 h: also 21 of the hourly minutes.
      const busy1h = 60 * 60;
      const total1h = 59 * 6 * 60 + 3 * J * 60;
      const busy24h = 21 * 60 + 120 * 60;
      const total24h = 21 * 4 * 60 + 120 * 6 * 60 + 3 * J * 60;
      const vmSeconds24h = 21 * 120 + 120 * 180 + 180;
      const vmSeconds30d = 698 * 120 + 120 * 180 + 180;
      const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
      expect(before.utilization).toMatchObject({
        avg1h: round(busy1h / total1h, 3),
        avg24h: round(busy24h / total24h, 3),
      });
      expect(before.cost).toEqual({
        vcpuHours24h: round((vmSeconds24h * flavor.cpu) / 3600, 2),
        gibHours24h: round((vmSeconds24h * flavor.memoryGiB) / 3600, 2),
        weighted24h: round((vmSeconds24h * flavor.costWeight) / 3600, 2),
        vcpuHours30d: round((vmSeconds30d * flavor.cpu) / 3600, 2),
        gibHours30d: round((vmSeconds30d * flavor.memoryGiB) / 3600, 2),
        weighted30d: round((vmSeconds30d * flavor.costWeight) / 3600, 2),
      });

      // A restart: a new replica with empty memory over the same database, in the same minute.
      now = T + 35_000;
      const second = await startReplica(knex, () => now);
      showVms(second.cache, pool);
      await second.fleet.refresh();
      const after = second.fleet.poolHealth(pool);
      expect(after.utilization).toEqual(before.utilization);
      expect(after.cost).toEqual(before.cost);
      const detail = await second.fleet.poolDetail(pool, []);
      // 5-minute points: 21 hourly minutes in the last day, 10:30–12:30 for the dense part.
      expect(detail.history).toHaveLength(21 + 25);
      expect(detail.history[detail.history.length - 1]).toMatchObject({
        busySlots: 0,
        utilization: 0,
      });

      // The new replica samples the same minute again: replaced, not added.
      await second.fleet.recordHistory();
      now = T + 39_000;
      const third = await startReplica(knex, () => now);
      showVms(third.cache, pool);
      await third.fleet.refresh();
      expect(third.fleet.poolHealth(pool).cost).toEqual(before.cost);
    }, 60_000);

    it('does not sample before the replica has seen the fleet', async () => {
      const knex = await databases.init(databaseId);
      const replica = await startReplica(knex, () => T);
      await replica.fleet.recordHistory();
      const [count] = await knex('runners_history_minutes').count({ n: '*' });
      expect(Number(count.n)).toBe(0);
    });
  },
);
