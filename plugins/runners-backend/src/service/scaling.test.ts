import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { runnersPlugin } from '../plugin';

const TOKEN = 'keda-static-token-for-tests-0123456789';

/**
 * Backstage 1.55's real auth, httpAuth and permissions services: a service principal's
 * permission decisions come from its token's `accessRestrictions` (ServerPermissionClient),
 * without asking the policy, so this is exactly what KEDA's token gets in the example app.
 */
describe('KEDA scaling signal endpoint, with Backstage’s real auth', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        runnersPlugin,
        authServiceFactory,
        httpAuthServiceFactory,
        permissionsServiceFactory,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: {
            backend: {
              baseUrl: 'http://localhost:7007',
              auth: {
                externalAccess: [
                  {
                    type: 'static',
                    options: { token: TOKEN, subject: 'keda-scaler' },
                    accessRestrictions: [
                      { plugin: 'runners', permission: 'runners.scaling.read' },
                    ],
                  },
                ],
              },
            },
            permission: { enabled: true },
            runners: { scalingMetrics: { token: TOKEN } },
          },
        }),
      ],
    }));
  });

  it('refuses requests without a token or with a wrong one', async () => {
    expect(
      (await request(server).get('/api/runners/scaling/pools/p1')).status,
    ).toBe(401);
    expect(
      (
        await request(server)
          .get('/api/runners/scaling/pools/p1')
          .set('Authorization', 'Bearer wrong-token-0123456789')
      ).status,
    ).toBe(401);
  });

  it('answers KEDA’s static token (404 for a pool that is not active)', async () => {
    const res = await request(server)
      .get('/api/runners/scaling/pools/p1')
      .set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(
      "pool 'p1' does not exist or is not active",
    );
  });

  it.each([
    '/pools',
    '/pools/p1',
    '/pools/p1/events',
    '/pools/p1/health',
    '/flavors',
    '/requests',
    '/quotas',
    '/health',
    '/health/teams',
  ])('refuses KEDA’s token everywhere else: GET %s → 403', async path => {
    const res = await request(server)
      .get(`/api/runners${path}`)
      .set('Authorization', `Bearer ${TOKEN}`);
    expect({ status: res.status, message: res.body.error?.message }).toEqual({
      status: 403,
      message:
        'this token is restricted to runners.scaling.read: it may only GET /scaling/pools/{id}',
    });
  });

  it('refuses KEDA’s token for changes (403, nothing created)', async () => {
    const res = await request(server)
      .post('/api/runners/pools')
      .set('Authorization', `Bearer ${TOKEN}`)
      .send({
        team: 'payments',
        name: 'keda-made',
        flavor: 'm1.large',
        autoscaling: { minReplicas: 0, maxReplicas: 2 },
        gitlab: { scope: { type: 'group', path: 'engineering/payments' } },
      });
    expect(res.status).toBe(403);
  });
});
