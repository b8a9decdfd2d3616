import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EXAMPLE_FLAVOR_CATALOG } from '@runner-fleet/plugin-runners-common/testUtils';
import { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseHistoryStore } from '../database/DatabaseHistoryStore';
import { runnersPlugin } from '../plugin';
import {
  asMinuteSamples,
  HourShape,
  hourHistory,
  NORMAL_HOUR,
} from './__testUtils__/hourHistory';

const databases = createTestDatabases();
const large = EXAMPLE_FLAVOR_CATALOG.flavors[0];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

jest.setTimeout(60_000);

const group = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

/** Permissions that let everyone read pools but nobody change them. */
const readOnly = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () =>
    mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      authorizeConditional: async requests =>
        requests.map(r => ({
          result:
            r.permission.name === 'runners.pool.read'
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        })),
    }),
});

async function startBackend(knex: Knex, options: { readOnly?: boolean } = {}) {
  const { server } = await startTestBackend({
    features: [
      runnersPlugin,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: [group('payments')] }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          runners: {},
        },
      }),
      ...(options.readOnly ? [readOnly] : []),
    ],
  });
  const user = mockCredentials.user.header('user:default/priya.payments');
  return {
    get: (path: string) =>
      request(server).get(`/api/runners${path}`).set('Authorization', user),
    post: (path: string, body: object = {}) =>
      request(server)
        .post(`/api/runners${path}`)
        .set('Authorization', user)
        .send(body),
  };
}

/** Two weeks up to the last hour, shaped by `shape`, written as the sampler would. */
async function writeHistory(
  knex: Knex,
  poolId: string,
  poolName: string,
  shape: (hour: number) => HourShape,
) {
  const store = await DatabaseHistoryStore.create({
    database: mockServices.database({ knex }),
  });
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const hours = hourHistory({
    poolId,
    poolName,
    flavor: large,
    start: end - 14 * DAY,
    days: 14,
    shape,
  });
  await store.writeMinutes(asMinuteSamples(hours, large));
}

/** Weekdays 08:00–10:00 UTC: 16 jobs at once, four-minute waits. */
function rush(hour: number): HourShape {
  const d = new Date(hour);
  const weekday = d.getUTCDay() >= 1 && d.getUTCDay() <= 5;
  const h = d.getUTCHours();
  return weekday && (h === 8 || h === 9)
    ? {
        ...NORMAL_HOUR,
        busySlotsMax: 10,
        pendingMax: 6,
        jobsStarted: 40,
        waitP95: 240,
      }
    : NORMAL_HOUR;
}

const idle = (): HourShape => ({
  ...NORMAL_HOUR,
  vms: 3,
  utilization: 0.02,
  busySlotsMax: 1,
  jobsStarted: 0,
});

const spec = (name: string, minReplicas = 1) => ({
  team: 'payments',
  name,
  flavor: 'm1.large',
  autoscaling: { minReplicas, maxReplicas: 10, scaleToZero: false },
  gitlab: { scope: { type: 'group', path: 'engineering/payments' } },
});

describe.each(databases.eachSupportedId())(
  'capacity advice on %p',
  databaseId => {
    it('advises a schedule for recurring waits; apply changes the pool through PATCH, and the advice is gone', async () => {
      const knex = await databases.init(databaseId);
      const api = await startBackend(knex);
      const created = await api.post('/pools', spec('builds'));
      expect(created.status).toBe(202);
      const poolId = created.body.pool.id;
      await writeHistory(knex, poolId, 'builds', rush);

      const list = await api.get('/advice?team=payments');
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(1);
      const [advice] = list.body.items;
      expect(advice).toMatchObject({
        kind: 'schedule-min-replicas',
        poolId,
        poolName: 'builds',
        title: 'Keep 8 VMs Mon–Fri 08:00–10:00 UTC',
        basedOn: { hours: 336 },
      });
      expect(advice.reasoning[0]).toMatch(
        /^08:00–09:00 UTC: queue wait p95 was 240 s \(target 30 s\)/,
      );

      const applied = await api.post(`/advice/${advice.id}/apply`);
      expect(applied.status).toBe(202);
      expect(applied.body.pool.spec.autoscaling.schedules).toEqual([
        {
          days: '1-5',
          startHour: 8,
          endHour: 10,
          minReplicas: 8,
          timezone: 'UTC',
        },
      ]);
      expect(applied.body.pool.generation).toBe(2);
      const events = await api.get(`/pools/${poolId}/events`);
      expect(
        events.body.items.map((e: { actor?: string }) => e.actor),
      ).toContain('user:default/priya.payments');

      expect((await api.get('/advice')).body.items).toEqual([]);
      const again = await api.post(`/advice/${advice.id}/apply`);
      expect(again.status).toBe(404);
      expect(again.body.error.message).toMatch(/does not exist \(any more\)/);
    });

    it('keeps a dismissal across a restart', async () => {
      const knex = await databases.init(databaseId);
      const api = await startBackend(knex);
      const created = await api.post('/pools', spec('nightly', 3));
      await writeHistory(knex, created.body.pool.id, 'nightly', idle);
      const [advice] = (await api.get('/advice')).body.items;
      expect(advice).toMatchObject({
        kind: 'lower-min-replicas',
        title: 'Scale to zero when no job runs or waits',
      });

      expect((await api.post(`/advice/${advice.id}/dismiss`)).status).toBe(204);
      expect((await api.get('/advice')).body.items).toEqual([]);
      const restarted = await startBackend(knex);
      expect((await restarted.get('/advice')).body.items).toEqual([]);
    });

    it('applies and dismisses only with the right to change the pool', async () => {
      const knex = await databases.init(databaseId);
      const api = await startBackend(knex);
      const created = await api.post('/pools', spec('nightly', 3));
      await writeHistory(knex, created.body.pool.id, 'nightly', idle);
      const viewer = await startBackend(knex, { readOnly: true });
      const [advice] = (await viewer.get('/advice')).body.items;
      expect(advice.kind).toBe('lower-min-replicas');

      const apply = await viewer.post(`/advice/${advice.id}/apply`);
      expect(apply.status).toBe(403);
      expect(apply.body.error.message).toMatch(/you may not update pools/);
      expect((await viewer.post(`/advice/${advice.id}/dismiss`)).status).toBe(
        403,
      );
      const pool = await api.get(`/pools/${created.body.pool.id}`);
      expect(pool.body.spec.autoscaling.minReplicas).toBe(3);
      expect((await api.get('/advice')).body.items).toHaveLength(1);
    });
  },
);
