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
import { Flavor } from '@runner-fleet/plugin-runners-common';
import { EXAMPLE_FLAVOR_CATALOG } from '@runner-fleet/plugin-runners-common/testUtils';
import { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseHistoryStore } from '../database/DatabaseHistoryStore';
import { DatabaseUsageStore } from '../database/DatabaseUsageStore';
import { runnersPlugin } from '../plugin';
import {
  asMinuteSamples,
  HourShape,
  hourHistory,
  NORMAL_HOUR,
} from './__testUtils__/hourHistory';

const databases = createTestDatabases();
const [large, xlarge] = EXAMPLE_FLAVOR_CATALOG.flavors;
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

/** Permissions that allow everything but the fleet-wide (platform) view. */
const teamOnly = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () =>
    mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({
          result:
            r.permission.name === 'runners.fleet.read'
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
      authorizeConditional: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    }),
});

async function startBackend(
  knex: Knex,
  options: { readOnly?: boolean; teamOnly?: boolean } = {},
) {
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
      ...(options.teamOnly ? [teamOnly] : []),
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
  flavor: Flavor = large,
) {
  const store = await DatabaseHistoryStore.create({
    database: mockServices.database({ knex }),
  });
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const hours = hourHistory({
    poolId,
    poolName,
    flavor,
    start: end - 14 * DAY,
    days: 14,
    shape,
  });
  await store.writeMinutes(asMinuteSamples(hours, flavor));
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

const spec = (
  name: string,
  minReplicas = 1,
  more: { flavor?: string; maxReplicas?: number } = {},
) => ({
  team: 'payments',
  name,
  flavor: more.flavor ?? 'm1.large',
  autoscaling: {
    minReplicas,
    maxReplicas: more.maxReplicas ?? 10,
    scaleToZero: false,
  },
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

    it('advises fleet-level rebalancing in the platform view only; apply moves the pool through PATCH', async () => {
      const knex = await databases.init(databaseId);
      const api = await startBackend(knex);
      // m1.large pool at its max of 4 VMs (8 slots) with 14 jobs at the rush; m1.xlarge idles.
      const builds = (
        await api.post('/pools', spec('builds', 1, { maxReplicas: 4 }))
      ).body.pool.id;
      const nightly = (
        await api.post(
          '/pools',
          spec('nightly', 1, { flavor: 'm1.xlarge', maxReplicas: 5 }),
        )
      ).body.pool.id;
      await writeHistory(knex, builds, 'builds', hour => {
        const shape = rush(hour);
        return shape === NORMAL_HOUR
          ? shape
          : { ...shape, vms: 4, utilization: 0.9, busySlotsMax: 8 };
      });
      await writeHistory(
        knex,
        nightly,
        'nightly',
        () => ({
          ...NORMAL_HOUR,
          utilization: 0.05,
          busySlotsMax: 1,
          jobsStarted: 2,
        }),
        xlarge,
      );

      const kinds = (items: Array<{ kind: string }>) => items.map(a => a.kind);
      expect(
        kinds((await api.get('/advice?team=payments')).body.items),
      ).not.toContain('flavor-rebalance');
      const team = await startBackend(knex, { teamOnly: true });
      expect(kinds((await team.get('/advice')).body.items)).not.toContain(
        'flavor-rebalance',
      );

      const items = (await api.get('/advice')).body.items;
      const rebalance = items.filter(
        (a: { kind: string }) => a.kind === 'flavor-rebalance',
      );
      expect(rebalance).toHaveLength(1);
      expect(rebalance[0]).toMatchObject({
        poolId: builds,
        title:
          'Move to m1.xlarge: m1.large pools queue at their max while m1.xlarge idles',
        change: { flavor: 'm1.xlarge' },
      });
      expect(rebalance[0].reasoning).toContain(
        'At those hours 14 jobs ran or waited at once; 4 VMs of m1.large hold 8 (2 job slots each).',
      );

      // Without the platform view the advice cannot be found, so not applied either.
      expect((await team.post(`/advice/${rebalance[0].id}/apply`)).status).toBe(
        404,
      );
      const applied = await api.post(`/advice/${rebalance[0].id}/apply`);
      expect(applied.status).toBe(202);
      expect(applied.body.pool.spec.flavor).toBe('m1.xlarge');
      expect(applied.body.pool.generation).toBe(2);
      expect(kinds((await api.get('/advice')).body.items)).not.toContain(
        'flavor-rebalance',
      );
    });

    it('advises a bigger flavor from the stored CPU use, and stays silent on a right-sized pool', async () => {
      const knex = await databases.init(databaseId);
      const api = await startBackend(knex);
      const hot = (await api.post('/pools', spec('hot'))).body.pool.id;
      const fits = (await api.post('/pools', spec('fits'))).body.pool.id;
      await writeHistory(knex, hot, 'hot', () => NORMAL_HOUR);
      await writeHistory(knex, fits, 'fits', () => NORMAL_HOUR);
      const usage = await DatabaseUsageStore.create({
        database: mockServices.database({ knex }),
      });
      const end = Math.floor(Date.now() / HOUR) * HOUR;
      const hours = (poolId: string, cpuP95: number) =>
        Array.from({ length: 100 }, (_, i) => ({
          poolId,
          hour: end - (i + 1) * HOUR,
          flavor: 'm1.large',
          cpuP95,
          cpuMean: cpuP95 * 0.8,
          memoryP95: 0.5,
          memoryMean: 0.4,
          samples: 60,
        }));
      await usage.writeHours([...hours(hot, 0.97), ...hours(fits, 0.55)]);

      const flavorAdvice = (
        await api.get('/advice?team=payments')
      ).body.items.filter((a: { kind: string }) => a.kind === 'flavor-change');
      expect(flavorAdvice).toHaveLength(1);
      expect(flavorAdvice[0]).toMatchObject({
        poolId: hot,
        title: 'Move to m1.xlarge: jobs run out of CPU',
        change: { flavor: 'm1.xlarge' },
      });
      expect(flavorAdvice[0].reasoning[0]).toBe(
        'At p95 over 100 hours the VMs used 97% of 4 vCPU and 50% of 6 GiB (m1.large).',
      );
      const applied = await api.post(`/advice/${flavorAdvice[0].id}/apply`);
      expect(applied.status).toBe(202);
      expect(applied.body.pool.spec.flavor).toBe('m1.xlarge');
    });

    it('says when no usage source is configured', async () => {
      const knex = await databases.init(databaseId);
      const api = await startBackend(knex);
      const sources = await api.get('/advice/sources');
      expect(sources.status).toBe(200);
      expect(sources.body.usage.configured).toBe(false);
      expect(sources.body.usage.message).toMatch(
        /^no usage source configured: .*runners\.usage\.prometheus\.url/,
      );
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
