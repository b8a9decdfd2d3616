import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { runnersPlugin } from '../plugin';

const user = mockCredentials.user.header('user:default/priya.payments');

/**
 * HTTP hygiene of the runners API, with Backstage's root error handler as it runs in
 * production (`NODE_ENV` is not `development` here, as in any deployed backend).
 */
describe('runners API request bodies and error bodies', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  const nodeEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    // Backstage decides on stack traces when the error middleware is created.
    process.env.NODE_ENV = 'production';
    ({ server } = await startTestBackend({
      features: [
        runnersPlugin,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: { backend: { baseUrl: 'http://localhost:7007' } },
        }),
      ],
    }));
  });
  afterAll(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  const post = () =>
    request(server).post('/api/runners/pools').set('Authorization', user);

  it('answers 413 to a body over the limit, naming the limit', async () => {
    const res = await post()
      .set('Content-Type', 'application/json')
      .send(
        JSON.stringify({ team: 'payments', name: 'x'.repeat(5 * 1024 * 1024) }),
      );
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({
      name: 'PayloadTooLargeError',
      message: 'request body is larger than 100kb; a pool spec needs far less',
    });
  });

  it('answers 415 to a body that is not JSON', async () => {
    const res = await post()
      .set('Content-Type', 'text/plain')
      .send('team=payments');
    expect(res.status).toBe(415);
    expect(res.body.error.message).toBe(
      "request bodies must be JSON: send Content-Type: application/json, not 'text/plain'",
    );
    const form = await post().type('form').send({ team: 'payments' });
    expect(form.status).toBe(415);
  });

  it('answers 400 to malformed JSON', async () => {
    const res = await post()
      .set('Content-Type', 'application/json')
      .send('{"team":');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('request body is not valid JSON');
  });

  it('still validates well-formed JSON against the spec (400)', async () => {
    const res = await post().send({ team: 'payments' });
    expect(res.status).toBe(400);
  });

  it('carries no stack trace or server path in error bodies', async () => {
    const responses = await Promise.all([
      post().send({ team: 'payments' }),
      request(server)
        .get('/api/runners/pools/does-not-exist')
        .set('Authorization', user),
      request(server).get('/api/runners/pools'),
    ]);
    expect(responses.map(r => r.status)).toEqual([400, 404, 401]);
    for (const res of responses) {
      expect(res.body.error).toBeDefined();
      expect(res.body.error.stack).toBeUndefined();
      expect(res.text).not.toMatch(
        /\/work\/|node_modules|\.ts:\d+|at [\w.<>]+ \(/,
      );
    }
  });
});
