import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
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

async function startBackend(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      runnersPlugin,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: [group('payments')] }),
      mockServices.rootConfig.factory({
        data: { backend: { baseUrl: 'http://localhost:7007' } },
      }),
    ],
  });
  const priya = mockCredentials.user.header('user:default/priya.payments');
  return {
    knex,
    get: (path: string, who = priya) =>
      request(server).get(`/api/runners${path}`).set('Authorization', who),
    post: (path: string, body?: object, who = priya) =>
      request(server)
        .post(`/api/runners${path}`)
        .set('Authorization', who)
        .send(body ?? {}),
    patch: (path: string, body: object) =>
      request(server)
        .patch(`/api/runners${path}`)
        .set('Authorization', priya)
        .send(body),
  };
}

describe.each(databases.eachSupportedId())(
  'rollout routes on %p',
  databaseId => {
    it('shows a pool rollout and aborts it back to the previous flavor', async () => {
      const api = await startBackend(databaseId);
      const created = await api.post('/pools', {
        team: 'payments',
        name: 'builds',
        flavor: 'm1.large',
        autoscaling: { minReplicas: 1, maxReplicas: 2 },
        gitlab: {
          scope: { type: 'group', path: 'engineering/payments' },
          tags: ['docker'],
        },
      });
      expect(created.status).toBe(202);
      const pool = created.body.pool;

      const never = await api.get(`/pools/${pool.id}/rollout`);
      expect(never.status).toBe(200);
      expect(never.body).toMatchObject({ phase: 'stable', reason: 'UpToDate' });
      const nothing = await api.post(`/pools/${pool.id}/rollout/abort`);
      expect(nothing.status).toBe(409);
      expect(nothing.body.error.message).toMatch(/nothing to abort/);

      // The pool moves to m1.xlarge; the reconciler (not running here) would roll it.
      const changed = await api.patch(`/pools/${pool.id}`, {
        flavor: 'm1.xlarge',
      });
      expect(changed.status).toBe(202);
      await api.knex('runners_rollouts').insert({
        pool_id: pool.id,
        version: 4,
        phase: 'halted',
        reason: 'NewVmsNotRegistered',
        message: 'rollout halted: 1 new VM did not register',
        target_hash: 'new',
        stable_hash: 'old',
        stable_spec: JSON.stringify(pool.spec),
        stable_flavor: JSON.stringify(pool.flavor),
        vms_outdated: 1,
        vms_updated: 0,
        vms_draining: 0,
        vms_replaced: 1,
        updated_at: new Date(),
      });
      const halted = await api.get(`/pools/${pool.id}/rollout`);
      expect(halted.body).toMatchObject({
        phase: 'halted',
        reason: 'NewVmsNotRegistered',
        vms: { outdated: 1, updated: 0, draining: 0 },
      });
      const aborted = await api.post(`/pools/${pool.id}/rollout/abort`);
      expect(aborted.status).toBe(202);
      expect(aborted.body).toMatchObject({ phase: 'rolling-back' });
      const after = await api.get(`/pools/${pool.id}`);
      expect(after.body.spec.flavor).toBe('m1.large');
      expect(after.body.flavor.name).toBe('m1.large');
      const events = await api.get(`/pools/${pool.id}/events`);
      expect(
        events.body.items.some((e: { reason: string; actor?: string }) =>
          e.reason.startsWith('rollout aborted by user:default/priya.payments'),
        ),
      ).toBe(true);
    });
  },
);
