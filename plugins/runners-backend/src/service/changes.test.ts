import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { runnersPlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/databases';

const databases = createTestDatabases();
// Real control plane, database and GitLab emulator on a shared 2-core machine: allow for load.
jest.setTimeout(60_000);

const group = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

/** 18 vCPU is above the default approval threshold (16) for custom flavors. */
const customSpec = (name = 'big') => ({
  team: 'payments',
  name,
  flavor: { os: 'linux', cpu: 18, memoryGiB: 16, diskGiB: 80 },
  autoscaling: { minReplicas: 1, maxReplicas: 2 },
  gitlab: {
    scope: { type: 'group', path: 'engineering/payments' },
    tags: ['docker'],
  },
});

async function startBackend(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      runnersPlugin,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: [group('payments')] }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          runners: {
            quotas: {
              default: { maxCpu: 400, maxMemoryGiB: 800, maxPools: 50 },
            },
          },
        },
      }),
    ],
  });
  // The mock permission service allows everything: this user may also approve.
  const user = mockCredentials.user.header('user:default/priya.payments');
  const call = (method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
    request(server)[method](`/api/runners${path}`).set('Authorization', user);
  return {
    get: (path: string) => call('get', path),
    post: (path: string, body: object = {}) => call('post', path).send(body),
    patch: (path: string, body: object, ifMatch?: string) => {
      const r = call('patch', path);
      return (ifMatch ? r.set('If-Match', ifMatch) : r).send(body);
    },
    del: (path: string) => call('delete', path),
  };
}

type Api = Awaited<ReturnType<typeof startBackend>>;

async function pendingRequests(api: Api, poolId: string) {
  const res = await api.get('/requests?status=pending');
  return res.body.items.filter((r: { poolId: string }) => r.poolId === poolId);
}

describe.each(databases.eachSupportedId())(
  'changing pools on %p',
  databaseId => {
    it('keeps a pool that waits for approval waiting, whatever a change touches', async () => {
      const api = await startBackend(databaseId);
      const created = await api.post('/pools', customSpec());
      expect(created.body.pool.state).toBe('pending-approval');
      const id = created.body.pool.id;

      // The bypass: a description-only change used to supersede the request and provision.
      const patched = await api.patch(`/pools/${id}`, { description: 'x' });
      expect(patched.status).toBe(202);
      expect(patched.body.pool.state).toBe('pending-approval');
      expect(patched.body.request).toMatchObject({ status: 'pending' });
      const pending = await pendingRequests(api, id);
      expect(pending).toHaveLength(1);
      expect(pending[0].reasons).toEqual(['custom-flavor']);

      // Even a change to a standard flavor goes back to the platform team first.
      const standard = await api.patch(`/pools/${id}`, { flavor: 'm1.large' });
      expect(standard.body.pool.state).toBe('pending-approval');
      expect((await pendingRequests(api, id))[0].reasons).toEqual([
        'not-yet-approved',
      ]);
      const pool = (await api.get(`/pools/${id}`)).body;
      expect(pool.state).toBe('pending-approval');
      expect(pool.spec.flavor).toBe('m1.large');
    });

    it('keeps a rejected pool from provisioning until a new request is approved', async () => {
      const api = await startBackend(databaseId);
      const created = await api.post('/pools', customSpec());
      const id = created.body.pool.id;
      const rejected = await api.post(
        `/requests/${created.body.request.id}/reject`,
        { reason: 'too big' },
      );
      expect(rejected.status).toBe(200);
      expect((await api.get(`/pools/${id}`)).body.state).toBe('rejected');

      const revived = await api.patch(`/pools/${id}`, { description: 'again' });
      expect(revived.status).toBe(202);
      expect(revived.body.pool.state).toBe('pending-approval');
      const [resubmitted] = await pendingRequests(api, id);
      expect(resubmitted.summary).toContain('resubmitted');

      const approved = await api.post(`/requests/${resubmitted.id}/approve`);
      expect(approved.body.status).toBe('approved');
      expect((await api.get(`/pools/${id}`)).body.state).toBe('provisioning');
    });

    it('asks again for a running custom pool only when the change costs more', async () => {
      const api = await startBackend(databaseId);
      const created = await api.post('/pools', customSpec());
      const id = created.body.pool.id;
      await api.post(`/requests/${created.body.request.id}/approve`);

      const described = await api.patch(`/pools/${id}`, { description: 'ok' });
      expect(described.body.request).toBeUndefined();
      expect(described.body.pool.spec.description).toBe('ok');

      const bigger = await api.patch(`/pools/${id}`, {
        autoscaling: { minReplicas: 1, maxReplicas: 5 },
      });
      expect(bigger.body.request).toMatchObject({ status: 'pending' });
      const pool = (await api.get(`/pools/${id}`)).body;
      expect(pool.spec.autoscaling.maxReplicas).toBe(2);
      expect(pool.pendingSpec.autoscaling.maxReplicas).toBe(5);

      // A later change is merged onto the waiting one, not onto what runs.
      await api.patch(`/pools/${id}`, { tags: ['docker', 'big'] });
      const merged = (await api.get(`/pools/${id}`)).body;
      expect(merged.pendingSpec.autoscaling.maxReplicas).toBe(5);
      expect(merged.pendingSpec.gitlab.tags).toEqual(['docker', 'big']);
    });

    it('keeps every accepted change of concurrent PATCHes, or refuses it', async () => {
      const api = await startBackend(databaseId);
      const created = await api.post('/pools', {
        ...customSpec('builds'),
        flavor: 'm1.large',
      });
      const id = created.body.pool.id;
      // Twelve clients change different fields at once.
      const changes: Array<[string, object]> = [
        ['description', { description: 'c0' }],
        ['maxReplicas', { autoscaling: { minReplicas: 1, maxReplicas: 7 } }],
        ['tags', { tags: ['docker', 'linux'] }],
        ['runUntagged', { runUntagged: true }],
        ...Array.from(
          { length: 8 },
          (_, i) =>
            [`description-${i}`, { description: `d${i}` }] as [string, object],
        ),
      ];
      const results = await Promise.all(
        changes.map(([, body]) => api.patch(`/pools/${id}`, body)),
      );
      for (const r of results) expect([202, 409]).toContain(r.status);
      const accepted = changes.filter((_, i) => results[i].status === 202);
      const final = (await api.get(`/pools/${id}`)).body;
      const acceptedNames = accepted.map(([name]) => name);
      expect({
        maxReplicas: final.spec.autoscaling.maxReplicas,
        tags: final.spec.gitlab.tags,
        runUntagged: final.spec.gitlab.runUntagged,
      }).toEqual({
        maxReplicas: acceptedNames.includes('maxReplicas') ? 7 : 2,
        tags: acceptedNames.includes('tags') ? ['docker', 'linux'] : ['docker'],
        runUntagged: acceptedNames.includes('runUntagged'),
      });
      expect(final.generation).toBe(1 + accepted.length);
      // Each accepted change is one generation, and one event with its actor.
      const events = (await api.get(`/pools/${id}/events`)).body.items.filter(
        (e: { reason: string }) => e.reason.startsWith('applying generation'),
      );
      expect(events).toHaveLength(accepted.length);
      expect(accepted.length).toBeGreaterThanOrEqual(4);
    });

    it('refuses a change made on a stale read with 412 (If-Match)', async () => {
      const api = await startBackend(databaseId);
      const created = await api.post('/pools', {
        ...customSpec('builds'),
        flavor: 'm1.large',
      });
      const id = created.body.pool.id;
      const read = await api.get(`/pools/${id}`);
      const etag = read.header.etag;
      expect(etag).toMatch(/^".+"$/);

      const first = await api.patch(`/pools/${id}`, { description: 'a' }, etag);
      expect(first.status).toBe(202);
      expect(first.header.etag).not.toBe(etag);
      const second = await api.patch(
        `/pools/${id}`,
        { description: 'b' },
        etag,
      );
      expect(second.status).toBe(412);
      expect(second.body.error.message).toContain('changed since you read it');
      expect((await api.get(`/pools/${id}`)).body.spec.description).toBe('a');
      // The new tag works, and so does `*`.
      expect(
        (
          await api.patch(
            `/pools/${id}`,
            { description: 'c' },
            first.header.etag,
          )
        ).status,
      ).toBe(202);
      expect(
        (await api.patch(`/pools/${id}`, { description: 'd' }, '*')).status,
      ).toBe(202);
    });

    it('deletes by draining unless a platform member deletes now', async () => {
      const api = await startBackend(databaseId);
      const created = await api.post('/pools', {
        ...customSpec('builds'),
        flavor: 'm1.large',
      });
      const id = created.body.pool.id;
      const deleted = await api.del(`/pools/${id}`);
      expect(deleted.status).toBe(202);
      expect(deleted.body.state).toBe('deleting');
      expect(deleted.body.stateCode).toBe('Draining');
      // Deleting again is harmless; a later change is refused.
      expect((await api.del(`/pools/${id}`)).status).toBe(202);
      const change = await api.patch(`/pools/${id}`, { description: 'x' });
      expect(change.status).toBe(409);
      const now = await api.del(`/pools/${id}?force=true`);
      expect(now.body.stateCode).toBe('CuttingJobs');
      expect(now.body.stateReason).toContain('running jobs are cut');
    });
  },
);
