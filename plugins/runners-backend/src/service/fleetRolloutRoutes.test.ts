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
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { runnersPlugin } from '../plugin';

const databases = createTestDatabases();

const group = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], members: ['priya.payments'] },
});

/** Everyone may work with pools; nobody holds the platform's runners.request.approve. */
const notPlatform = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () =>
    mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({
          result:
            r.permission.name === 'runners.request.approve'
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
      authorizeConditional: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    }),
});

async function startBackend(
  databaseId: Parameters<typeof databases.init>[0],
  options: { notPlatform?: boolean } = {},
) {
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      runnersPlugin,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: [group('payments')] }),
      mockServices.rootConfig.factory({
        data: { backend: { baseUrl: 'http://localhost:7007' } },
      }),
      ...(options.notPlatform ? [notPlatform] : []),
    ],
  });
  const who = mockCredentials.user.header('user:default/priya.payments');
  return {
    knex,
    get: (path: string) =>
      request(server).get(`/api/runners${path}`).set('Authorization', who),
    post: (path: string, body?: object) =>
      request(server)
        .post(`/api/runners${path}`)
        .set('Authorization', who)
        .send(body ?? {}),
  };
}

async function createPool(
  api: Awaited<ReturnType<typeof startBackend>>,
  name: string,
) {
  const created = await api.post('/pools', {
    team: 'payments',
    name,
    flavor: 'm1.large',
    autoscaling: { minReplicas: 1, maxReplicas: 2 },
    gitlab: {
      scope: { type: 'group', path: 'engineering/payments' },
      tags: ['docker'],
    },
  });
  expect(created.status).toBe(202);
  // The pool runs an older image than the catalog's m1.large now names.
  const flavor = { ...created.body.pool.flavor, image: 'runner:old' };
  await api
    .knex('runners_pools')
    .where({ id: created.body.pool.id })
    .update({ flavor: JSON.stringify(flavor) });
  return created.body.pool.id as string;
}

describe.each(databases.eachSupportedId())(
  'fleet rollout routes on %p',
  databaseId => {
    it('starts a fleet rollout with a canary, shows progress, pauses, resumes and aborts it', async () => {
      const api = await startBackend(databaseId);
      const nothing = await api.post('/fleet/rollouts', { flavor: 'm1.large' });
      expect(nothing.status).toBe(409);
      expect(nothing.body.error.message).toMatch(/nothing to roll/);
      const unknown = await api.post('/fleet/rollouts', { flavor: 'm9.huge' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toMatch(
        /flavor: 'm9.huge' is not in the catalog; known flavors: .*m1\.large/,
      );
      const badLimit = await api.post('/fleet/rollouts', {
        flavor: 'm1.large',
        maxVmPercent: 150,
      });
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.error.message).toMatch(/maxVmPercent/);

      const a = await createPool(api, 'builds-a');
      const b = await createPool(api, 'builds-b');
      const started = await api.post('/fleet/rollouts', { flavor: 'm1.large' });
      expect(started.status).toBe(201);
      expect(started.body).toMatchObject({
        flavor: 'm1.large',
        phase: 'canary',
        reason: 'CanaryRolling',
        canaryPools: 1,
        maxVmPercent: 25,
        progress: { pools: 2, poolsDone: 0 },
      });
      const statuses = Object.fromEntries(
        started.body.pools.map((p: { poolId: string; status: string }) => [
          p.poolId,
          p.status,
        ]),
      );
      expect(Object.values(statuses).sort()).toEqual(['rolling', 'waiting']);
      expect([a, b]).toContain(started.body.pools[0].poolId);
      const id = started.body.id;

      const again = await api.post('/fleet/rollouts', { flavor: 'm1.large' });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/already being rolled out/);

      const listed = await api.get('/fleet/rollouts');
      expect(listed.status).toBe(200);
      expect(listed.body.map((r: { id: string }) => r.id)).toEqual([id]);

      const paused = await api.post(`/fleet/rollouts/${id}/pause`);
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ phase: 'paused', reason: 'Paused' });
      const resumed = await api.post(`/fleet/rollouts/${id}/resume`);
      expect(resumed.status).toBe(200);
      expect(resumed.body.phase).toBe('canary');
      const aborted = await api.post(`/fleet/rollouts/${id}/abort`);
      expect(aborted.status).toBe(200);
      expect(aborted.body.phase).toBe('aborted');
      const shown = await api.get(`/fleet/rollouts/${id}`);
      expect(shown.body).toMatchObject({ id, phase: 'aborted' });
      const twice = await api.post(`/fleet/rollouts/${id}/abort`);
      expect(twice.status).toBe(409);
      expect((await api.get('/fleet/rollouts/nope')).status).toBe(404);
    });

    it('is for the platform team only', async () => {
      const api = await startBackend(databaseId, { notPlatform: true });
      await createPool(api, 'builds');
      const started = await api.post('/fleet/rollouts', { flavor: 'm1.large' });
      expect(started.status).toBe(403);
      expect(started.body.error.message).toMatch(/platform team/);
      expect((await api.get('/fleet/rollouts')).status).toBe(403);
    });
  },
);
