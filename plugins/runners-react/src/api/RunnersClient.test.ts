import { ResponseError } from '@backstage/errors';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { examplePoolSpec } from '@runner-fleet/plugin-runners-common/testUtils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { RunnersClient } from './RunnersClient';

const base = 'http://backstage.test/api/runners';

describe('RunnersClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const seen: Array<{ method: string; url: string; body?: unknown }> = [];
  beforeEach(() => {
    seen.length = 0;
    server.use(
      http.all(`${base}/*`, async ({ request }) => {
        const text = await request.text();
        seen.push({
          method: request.method,
          url: request.url.slice(base.length),
          body: text ? JSON.parse(text) : undefined,
        });
        return HttpResponse.json({ items: [], echo: true });
      }),
    );
  });

  const client = new RunnersClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });

  it('returns the pool ETag and sends it as If-Match; deletes now only with force', async () => {
    const headers: Array<string | null> = [];
    server.use(
      http.get(`${base}/pools/p1`, () =>
        HttpResponse.json({ id: 'p1' }, { headers: { ETag: 'W/"p1-7"' } }),
      ),
      http.patch(`${base}/pools/p1`, ({ request }) => {
        headers.push(request.headers.get('If-Match'));
        return HttpResponse.json({ pool: { id: 'p1' } });
      }),
      http.delete(`${base}/pools/p1`, ({ request }) => {
        headers.push(new URL(request.url).searchParams.get('force'));
        return HttpResponse.json({ id: 'p1' });
      }),
    );
    const pool = await client.getPool('p1');
    expect(pool.etag).toBe('W/"p1-7"');
    await client.updatePool('p1', { tags: ['x'] }, { ifMatch: pool.etag });
    await client.updatePool('p1', { tags: ['x'] });
    await client.deletePool('p1', { force: true });
    await client.deletePool('p1');
    expect(headers).toEqual(['W/"p1-7"', null, 'true', null]);
  });

  it('calls every endpoint with its method, path, query and body', async () => {
    const spec = examplePoolSpec();
    await client.getFlavors();
    await client.listPools({ team: 'payments' });
    await client.getPool('p/1');
    await client.createPool(spec, { dryRun: true });
    await client.createPool(spec);
    await client.validatePool(spec);
    await client.updatePool('p1', {
      autoscaling: { minReplicas: 1, maxReplicas: 9 },
    });
    await client.deletePool('p1');
    await client.listPoolEvents('p1');
    await client.getPoolHealth('p1');
    await client.listRequests({ status: 'pending' });
    await client.approveRequest('r1');
    await client.rejectRequest('r1', 'too big');
    await client.listQuotas();
    await client.getFleetSummary();
    await client.listTeamHealth({ team: 'search' });

    expect(seen).toEqual([
      { method: 'GET', url: '/flavors' },
      { method: 'GET', url: '/pools?team=payments' },
      { method: 'GET', url: '/pools/p%2F1' },
      { method: 'POST', url: '/pools?dryRun=true', body: spec },
      { method: 'POST', url: '/pools', body: spec },
      { method: 'POST', url: '/pools/validate', body: spec },
      {
        method: 'PATCH',
        url: '/pools/p1',
        body: { autoscaling: { minReplicas: 1, maxReplicas: 9 } },
      },
      { method: 'DELETE', url: '/pools/p1' },
      { method: 'GET', url: '/pools/p1/events' },
      { method: 'GET', url: '/pools/p1/health' },
      { method: 'GET', url: '/requests?status=pending' },
      { method: 'POST', url: '/requests/r1/approve', body: {} },
      {
        method: 'POST',
        url: '/requests/r1/reject',
        body: { reason: 'too big' },
      },
      { method: 'GET', url: '/quotas' },
      { method: 'GET', url: '/health' },
      { method: 'GET', url: '/health/teams?team=search' },
    ]);
  });

  it('starts, reads, pauses, resumes and aborts fleet rollouts', async () => {
    await client.startFleetRollout({
      flavor: 'm1.large',
      canaryPools: 2,
      maxVmPercent: 10,
    });
    await client.listFleetRollouts();
    await client.getFleetRollout('fr/1');
    await client.pauseFleetRollout('fr1');
    await client.resumeFleetRollout('fr1');
    await client.abortFleetRollout('fr1');

    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/fleet/rollouts',
        body: { flavor: 'm1.large', canaryPools: 2, maxVmPercent: 10 },
      },
      { method: 'GET', url: '/fleet/rollouts' },
      { method: 'GET', url: '/fleet/rollouts/fr%2F1' },
      { method: 'POST', url: '/fleet/rollouts/fr1/pause' },
      { method: 'POST', url: '/fleet/rollouts/fr1/resume' },
      { method: 'POST', url: '/fleet/rollouts/fr1/abort' },
    ]);
  });

  it("rejects a fleet rollout with the server's reason", async () => {
    server.use(
      http.post(`${base}/fleet/rollouts`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message:
                "nothing to roll: every live pool of flavor 'm1.large' already runs its catalog definition",
            },
            response: { statusCode: 409 },
          },
          { status: 409 },
        ),
      ),
    );
    const error = await client
      .startFleetRollout({ flavor: 'm1.large' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.body.error.message).toMatch(/^nothing to roll/);
  });

  it('unwraps item lists', async () => {
    server.use(
      http.get(`${base}/pools`, () =>
        HttpResponse.json({ items: [{ id: 'p1' }] }),
      ),
    );
    await expect(client.listPools()).resolves.toEqual([{ id: 'p1' }]);
  });

  it("rejects with the server's error", async () => {
    server.use(
      http.get(`${base}/health`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'the fleet overview is for the platform team',
            },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    const error = await client.getFleetSummary().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.body.error.message).toBe(
      'the fleet overview is for the platform team',
    );
  });
});
