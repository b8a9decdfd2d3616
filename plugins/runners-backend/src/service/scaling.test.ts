import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { runnersPlugin } from '../plugin';

const TOKEN = 'keda-static-token-for-tests-0123456789';

describe('KEDA scaling signal endpoint, with Backstage’s real auth', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        runnersPlugin,
        authServiceFactory,
        httpAuthServiceFactory,
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
                    accessRestrictions: [{ plugin: 'runners' }],
                  },
                ],
              },
            },
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
});
