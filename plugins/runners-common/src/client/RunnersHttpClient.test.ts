import { ResponseError } from '@backstage/errors';
import { DefaultApiClient } from '../schema/openapi';
import { RunnersHttpClient } from './RunnersHttpClient';

const baseUrl = 'http://backstage.test/api/runners';

/** A fetch that records each request and answers with the next queued response. */
function recordingFetch() {
  const requests: Request[] = [];
  const answers: Response[] = [];
  const fetchApi = {
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      requests.push(new Request(input, init));
      return answers.shift() ?? Response.json({});
    },
  };
  return { requests, answers, fetchApi };
}

describe('RunnersHttpClient', () => {
  afterEach(() => jest.restoreAllMocks());

  function setup() {
    const recorded = recordingFetch();
    const client = new RunnersHttpClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
      fetchApi: recorded.fetchApi,
    });
    return { client, ...recorded };
  }

  it('sends requests through the client generated from the OpenAPI spec', async () => {
    const { client, requests } = setup();
    const updatePool = jest.spyOn(DefaultApiClient.prototype, 'updatePool');

    await client.updatePool(
      'p/1',
      { tags: ['x'] },
      { ifMatch: 'W/"p1-7"', token: 'service-token' },
    );

    expect(updatePool).toHaveBeenCalledWith(
      {
        path: { id: 'p/1' },
        body: { tags: ['x'] },
        header: { ifMatch: 'W/"p1-7"' },
      },
      expect.objectContaining({ token: 'service-token' }),
    );
    const [request] = requests;
    expect(request.method).toBe('PATCH');
    expect(request.url).toBe(`${baseUrl}/pools/p%2F1`);
    // The generated client names header parameters in camelCase; the wire name is the spec's.
    expect(request.headers.get('If-Match')).toBe('W/"p1-7"');
    expect(request.headers.has('ifMatch')).toBe(false);
    expect(request.headers.get('Authorization')).toBe('Bearer service-token');
    await expect(request.json()).resolves.toEqual({ tags: ['x'] });
  });

  it('starts, lists and changes fleet rollouts on their routes', async () => {
    const { client, requests } = setup();
    await client.startFleetRollout({ flavor: 'm1.large', canaryPools: 2 });
    await client.listFleetRollouts();
    await client.getFleetRollout('r1');
    await client.changeFleetRollout('r1', 'pause');
    await client.changeFleetRollout('r1', 'resume');
    await client.changeFleetRollout('r1', 'abort');
    expect(requests.map(r => `${r.method} ${r.url}`)).toEqual([
      `POST ${baseUrl}/fleet/rollouts`,
      `GET ${baseUrl}/fleet/rollouts`,
      `GET ${baseUrl}/fleet/rollouts/r1`,
      `POST ${baseUrl}/fleet/rollouts/r1/pause`,
      `POST ${baseUrl}/fleet/rollouts/r1/resume`,
      `POST ${baseUrl}/fleet/rollouts/r1/abort`,
    ]);
    await expect(requests[0].json()).resolves.toEqual({
      flavor: 'm1.large',
      canaryPools: 2,
    });
  });

  it('sends no If-Match, dryRun or force unless asked to', async () => {
    const { client, requests } = setup();
    await client.updatePool('p1', { tags: [] });
    await client.createPool(
      {
        team: 'payments',
        name: 'builds',
        flavor: 'm1.large',
        autoscaling: {
          minReplicas: 0,
          maxReplicas: 2,
          targetUtilization: 0.3,
          scaleToZero: true,
          burst: false,
        },
        gitlab: { scope: { type: 'instance' }, tags: [], runUntagged: true },
      },
      { dryRun: false },
    );
    await client.deletePool('p1', { force: false });
    expect(requests.map(r => r.url.slice(baseUrl.length))).toEqual([
      '/pools/p1',
      '/pools',
      '/pools/p1',
    ]);
    expect(requests.map(r => r.headers.has('If-Match'))).toEqual([
      false,
      false,
      false,
    ]);
    expect(requests[0].headers.has('Authorization')).toBe(false);
  });

  it('returns the ETag with the pool and reads CSV as text', async () => {
    const { client, answers } = setup();
    answers.push(
      Response.json({ id: 'p1' }, { headers: { ETag: 'W/"p1-3"' } }),
      new Response('team,pool\npayments,builds\n', {
        headers: { 'Content-Type': 'text/csv' },
      }),
    );
    await expect(client.getPool('p1')).resolves.toEqual({
      id: 'p1',
      etag: 'W/"p1-3"',
    });
    await expect(client.getShowbackCsv({ team: 'payments' })).resolves.toBe(
      'team,pool\npayments,builds\n',
    );
  });

  it("rejects with a ResponseError carrying the server's error body", async () => {
    const { client, answers } = setup();
    answers.push(
      Response.json(
        {
          error: { name: 'ConflictError', message: 'pool builds exists' },
          response: { statusCode: 409 },
        },
        { status: 409 },
      ),
    );
    const error = await client.listPools().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.body.error.message).toBe('pool builds exists');
  });
});
