import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { examplePoolSpec } from '@runner-fleet/plugin-runners-common/testUtils';
import { RunnersServiceClient } from './RunnersService';

const baseUrl = 'http://localhost:0/api/runners';

describe('RunnersServiceClient', () => {
  const requests: Request[] = [];
  let answer: () => Response;

  beforeEach(() => {
    requests.length = 0;
    answer = () => Response.json({ items: [] });
    jest.spyOn(global, 'fetch').mockImplementation(async (input, init) => {
      requests.push(new Request(input, init));
      return answer();
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const client = RunnersServiceClient.create({
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
  });
  const credentials = mockCredentials.user('user:default/priya.payments');

  it('acts on behalf of the caller with a token for the runners plugin', async () => {
    answer = () =>
      Response.json({
        items: [
          { id: 'p1', name: 'builds' },
          { id: 'p2', name: 'tests' },
        ],
      });
    const pool = await client.findPool('payments', 'tests', { credentials });
    expect(pool).toEqual({ id: 'p2', name: 'tests' });
    const [request] = requests;
    expect(request.method).toBe('GET');
    expect(request.url).toBe(`${baseUrl}/pools?team=payments`);
    expect(request.headers.get('Authorization')).toBe(
      `Bearer ${mockCredentials.service.token({
        onBehalfOf: credentials,
        targetPluginId: 'runners',
      })}`,
    );
  });

  it('creates with dryRun, deletes without force and lists the flavors', async () => {
    answer = () => Response.json({ pool: { id: 'p1' } });
    await client.createPool(examplePoolSpec(), { credentials, dryRun: true });
    await client.deletePool('p/1', { credentials });
    answer = () =>
      Response.json({ flavors: [{ name: 'm1.large' }], custom: {} });
    await expect(client.listFlavors({ credentials })).resolves.toEqual([
      { name: 'm1.large' },
    ]);
    expect(
      requests.map(r => `${r.method} ${r.url.slice(baseUrl.length)}`),
    ).toEqual([
      'POST /pools?dryRun=true',
      'DELETE /pools/p%2F1',
      'GET /flavors',
    ]);
  });

  it("rejects with the server's error", async () => {
    answer = () =>
      Response.json(
        {
          error: { name: 'NotFoundError', message: 'no pool p9' },
          response: { statusCode: 404 },
        },
        { status: 404 },
      );
    const error = await client.getPool('p9', { credentials }).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.body.error.message).toBe('no pool p9');
  });
});
