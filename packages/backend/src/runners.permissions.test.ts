import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import runnersPlugin from '@runner-fleet/plugin-runners-backend';
import { RunnersFleetPolicyForTests } from './__testUtils__/policyPermissions';

/** The example org: who belongs to which team. */
const memberships: Record<string, string[]> = {
  'user:default/priya.payments': ['group:default/payments'],
  'user:default/lena.search': ['group:default/search'],
  'user:default/ada.platform': ['group:default/platform'],
};

const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(memberships[ref] ?? [])],
      };
    },
  }),
});

const group = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

const identities = {
  own: mockCredentials.user.header('user:default/priya.payments'),
  other: mockCredentials.user.header('user:default/lena.search'),
  platform: mockCredentials.user.header('user:default/ada.platform'),
  service: mockCredentials.service.header(),
};
type Who = keyof typeof identities | 'anonymous';

const spec = (name: string) => ({
  team: 'payments',
  name,
  flavor: 'm1.large',
  autoscaling: { minReplicas: 0, maxReplicas: 2 },
  gitlab: {
    scope: { type: 'group', path: 'engineering/payments' },
    tags: ['docker'],
  },
});

describe('runners API permission matrix (example policy)', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        runnersPlugin,
        userInfoFactory,
        RunnersFleetPolicyForTests.factory(memberships),
        catalogServiceMock.factory({
          entities: ['payments', 'search', 'platform'].map(group),
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            runners: {
              quotas: {
                default: { maxPools: 100, maxCpu: 10000, maxMemoryGiB: 10000 },
              },
            },
          },
        }),
      ],
    }));
  });

  const call = (
    who: Who,
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
    body?: object,
  ) => {
    let req = request(server)[method](`/api/runners${path}`);
    if (who !== 'anonymous') req = req.set('Authorization', identities[who]);
    return body ? req.send(body) : req;
  };

  async function newPool(name: string, flavor?: object) {
    const res = await call('platform', 'post', '/pools', {
      ...spec(name),
      ...(flavor && { flavor }),
    });
    if (res.status !== 202) throw new Error(JSON.stringify(res.body));
    return res.body as { pool: { id: string }; request?: { id: string } };
  }

  it.each<[Who, number]>([
    ['own', 200],
    ['other', 200],
    ['platform', 200],
    ['service', 200],
    ['anonymous', 401],
  ])('GET /flavors as %s → %i', async (who, status) => {
    expect((await call(who, 'get', '/flavors')).status).toBe(status);
  });

  it.each<[Who, number, boolean]>([
    ['own', 200, true],
    ['other', 200, false],
    ['platform', 200, true],
    ['service', 200, true],
    ['anonymous', 401, false],
  ])(
    'GET /pools as %s → %i (sees the payments pool: %p)',
    async (who, status, sees) => {
      const { pool } = await newPool(`list-${who}`);
      const res = await call(who, 'get', '/pools');
      const seen =
        res.status === 200 &&
        res.body.items.some((p: { id: string }) => p.id === pool.id);
      expect({ status: res.status, seen }).toEqual({ status, seen: sees });
    },
  );

  it.each<[Who, number]>([
    ['own', 202],
    ['other', 403],
    ['platform', 202],
    ['service', 403],
    ['anonymous', 401],
  ])('POST /pools for payments as %s → %i', async (who, status) => {
    const res = await call(who, 'post', '/pools', spec(`create-${who}`));
    expect(res.status).toBe(status);
  });

  it('tells a member of another team why they may not create the pool', async () => {
    const res = await call('other', 'post', '/pools', spec('create-why'));
    expect(res.body.error.message).toBe(
      "you may create pools only for your own teams; you are not a member of 'payments'",
    );
  });

  it.each<[Who, number, number, number, number]>([
    // who, GET, events, PATCH, DELETE
    ['own', 200, 200, 202, 202],
    ['other', 404, 404, 404, 404],
    ['platform', 200, 200, 202, 202],
    ['service', 200, 200, 403, 403],
    ['anonymous', 401, 401, 401, 401],
  ])(
    'one pool as %s: GET %i, events %i, PATCH %i, DELETE %i',
    async (who, get, events, patch, del) => {
      const { pool } = await newPool(`one-${who}`);
      expect((await call(who, 'get', `/pools/${pool.id}`)).status).toBe(get);
      expect((await call(who, 'get', `/pools/${pool.id}/events`)).status).toBe(
        events,
      );
      expect(
        (
          await call(who, 'patch', `/pools/${pool.id}`, {
            tags: ['docker', 'linux'],
          })
        ).status,
      ).toBe(patch);
      expect((await call(who, 'delete', `/pools/${pool.id}`)).status).toBe(del);
    },
  );

  it.each<[Who, number, number]>([
    // who, list requests, approve
    ['own', 200, 403],
    ['other', 200, 403],
    ['platform', 200, 200],
    ['service', 200, 403],
    ['anonymous', 401, 401],
  ])('requests as %s: list %i, approve %i', async (who, list, approve) => {
    const { request: req } = await newPool(`big-${who}`, {
      os: 'linux',
      cpu: 24,
      memoryGiB: 48,
      diskGiB: 100,
    });
    expect(req).toBeDefined();
    expect((await call(who, 'get', '/requests?status=pending')).status).toBe(
      list,
    );
    expect(
      (await call(who, 'post', `/requests/${req!.id}/approve`, {})).status,
    ).toBe(approve);
  });

  it('shows each team only its own requests and quotas', async () => {
    const { request: req } = await newPool('big-visibility', {
      os: 'linux',
      cpu: 24,
      memoryGiB: 48,
      diskGiB: 100,
    });
    const own = await call('own', 'get', '/requests');
    const other = await call('other', 'get', '/requests');
    expect(own.body.items.map((r: { id: string }) => r.id)).toContain(req!.id);
    expect(other.body.items.map((r: { id: string }) => r.id)).not.toContain(
      req!.id,
    );
    expect(
      (await call('other', 'get', '/quotas')).body.items.map(
        (q: { team: string }) => q.team,
      ),
    ).toEqual(['search']);
    expect(
      (await call('own', 'get', '/quotas')).body.items.map(
        (q: { team: string }) => q.team,
      ),
    ).toEqual(['payments']);
  });
});
