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

const group = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

const validSpec = () => ({
  team: 'payments',
  name: 'builds',
  flavor: 'm1.large',
  autoscaling: { minReplicas: 1, maxReplicas: 4 },
  gitlab: {
    scope: { type: 'group', path: 'engineering/payments' },
    tags: ['docker'],
  },
});

async function startBackend(
  databaseId: Parameters<typeof databases.init>[0],
  quota: Record<string, number> = {
    maxCpu: 40,
    maxMemoryGiB: 64,
    maxPools: 50,
  },
) {
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      runnersPlugin,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({
        entities: [group('payments'), group('search')],
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          runners: { quotas: { default: quota } },
        },
      }),
    ],
  });
  const user = mockCredentials.user.header('user:default/priya.payments');
  return {
    post: (path: string, body: unknown) =>
      request(server)
        .post(`/api/runners${path}`)
        .set('Authorization', user)
        .send(body as object),
    get: (path: string) =>
      request(server).get(`/api/runners${path}`).set('Authorization', user),
  };
}

describe.each(databases.eachSupportedId())('runners API on %p', databaseId => {
  it('creates a pool (202, provisioning) and lists it', async () => {
    const api = await startBackend(databaseId);
    const res = await api.post('/pools', validSpec());
    expect(res.status).toBe(202);
    expect(res.body.pool).toMatchObject({
      team: 'payments',
      name: 'builds',
      state: 'provisioning',
      flavor: { name: 'm1.large', cpu: 4, memoryGiB: 6 },
      spec: {
        autoscaling: { targetUtilization: 0.3, scaleToZero: false },
        gitlab: { runUntagged: false },
      },
      createdBy: 'user:default/priya.payments',
    });
    const list = await api.get('/pools?team=payments');
    expect(list.body.items.map((p: { name: string }) => p.name)).toEqual([
      'builds',
    ]);
    // Without a configured cluster the pool waits, and says what is missing.
    await new Promise(resolve => setTimeout(resolve, 100));
    const events = await api.get(`/pools/${res.body.pool.id}/events`);
    expect(events.body.items).toEqual([
      expect.objectContaining({
        state: 'provisioning',
        actor: 'user:default/priya.payments',
      }),
      expect.objectContaining({
        state: 'provisioning',
        reason:
          'waiting: a primary cluster (runners.clusters) is not configured',
      }),
    ]);
  });

  it("stores the requester's reason with the spec, for the approver", async () => {
    const api = await startBackend(databaseId);
    const res = await api.post('/pools', {
      ...validSpec(),
      reason: '  nightly builds outgrew the shared runners ',
    });
    expect(res.status).toBe(202);
    const read = await api.get(`/pools/${res.body.pool.id}`);
    expect(read.body.spec.reason).toBe(
      'nightly builds outgrew the shared runners',
    );
    const blank = await api.post('/pools', {
      ...validSpec(),
      name: 'blank',
      reason: '   ',
    });
    expect(blank.body.pool.spec).not.toHaveProperty('reason');
  });

  it('dry-run checks everything and creates nothing', async () => {
    const api = await startBackend(databaseId);
    const res = await api.post('/pools?dryRun=true', validSpec());
    expect(res.status).toBe(200);
    expect(res.body.pool.state).toBe('provisioning');
    expect((await api.get('/pools')).body.items).toEqual([]);
  });

  it.each([
    [
      'unknown flavor',
      { flavor: 'm9.huge' },
      "flavor: flavor 'm9.huge' does not exist; available: m1.large",
    ],
    [
      'min above max',
      { autoscaling: { minReplicas: 5, maxReplicas: 2 } },
      'autoscaling.minReplicas: minReplicas (5) is greater than maxReplicas (2)',
    ],
    [
      'custom flavor over bounds',
      { flavor: { os: 'linux', cpu: 64, memoryGiB: 16, diskGiB: 80 } },
      'flavor.cpu: cpu must be a whole number from 2 to 32',
    ],
    [
      'invalid name',
      { name: 'Builds_1' },
      "name: name 'Builds_1' is not allowed",
    ],
    [
      'invalid tag',
      {
        gitlab: {
          scope: { type: 'group', path: 'engineering/payments' },
          tags: ['a,b'],
        },
      },
      "gitlab.tags[0]: tag 'a,b' is not allowed",
    ],
    [
      'unknown team',
      { team: 'nobody' },
      "team: there is no team 'nobody' in the catalog",
    ],
    [
      'wrong type',
      { autoscaling: { minReplicas: 'one', maxReplicas: 2 } },
      'minReplicas',
    ],
    [
      'unknown field',
      { colour: 'blue' },
      "colour: unknown field 'colour'; allowed here: team, name",
    ],
    [
      'unknown nested field',
      { autoscaling: { minReplicas: 1, maxReplicas: 2, minimum: 1 } },
      "autoscaling.minimum: unknown field 'minimum'",
    ],
    ['oversize description', { description: 'x'.repeat(5000) }, 'description'],
    ['oversize reason', { reason: 'x'.repeat(501) }, 'reason'],
  ])('rejects %s with 400 naming the field', async (_, change, message) => {
    const api = await startBackend(databaseId);
    const res = await api.post('/pools', { ...validSpec(), ...change });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });

  it('sends a request over quota to the platform team, with the headroom, instead of refusing it', async () => {
    const api = await startBackend(databaseId);
    expect(
      (
        await api.post('/pools', {
          ...validSpec(),
          name: 'a',
          autoscaling: { minReplicas: 0, maxReplicas: 6 },
        })
      ).status,
    ).toBe(202);
    const res = await api.post('/pools', {
      ...validSpec(),
      name: 'b',
      autoscaling: { minReplicas: 0, maxReplicas: 6 },
    });
    expect(res.status).toBe(202);
    expect(res.body.pool.state).toBe('pending-approval');
    expect(res.body.request.reasons).toEqual(['over-quota']);
    expect(res.body.request.summary).toBe(
      'new pool with flavor m1.large (4 vCPU / 6 GiB), over quota (vCPU: 24 in use + 24 requested > limit 40; memory: 36 GiB in use + 36 GiB requested > limit 64 GiB; headroom 16 vCPU, 28 GiB, 49 pools)',
    );
    const quotas = await api.get('/quotas');
    expect(quotas.body.items).toEqual([
      {
        team: 'payments',
        // clone storage: the config default; a Linux pool reserves none
        limits: {
          maxCpu: 40,
          maxMemoryGiB: 64,
          maxPools: 50,
          maxStorageGiB: 2048,
        },
        used: { cpu: 24, memoryGiB: 36, pools: 1, storageGiB: 0 },
      },
    ]);
  });

  it('counts a Windows pool’s clones against the team’s clone storage; more waits for approval', async () => {
    const api = await startBackend(databaseId, {
      maxCpu: 64,
      maxMemoryGiB: 128,
      maxPools: 50,
      maxStorageGiB: 400,
    });
    // win.xlarge: a 160 GiB clone per VM; 2 VMs = 320 GiB fit, 3 more do not.
    const windows = (name: string, maxReplicas: number) => ({
      ...validSpec(),
      name,
      flavor: 'win.xlarge',
      autoscaling: { minReplicas: 0, maxReplicas },
    });
    expect((await api.post('/pools', windows('win-a', 2))).status).toBe(202);
    // Over quota, the request waits for the platform team, saying what is over.
    const over = await api.post('/pools', windows('win-b', 1));
    expect(over.status).toBe(202);
    expect(over.body.pool.state).toBe('pending-approval');
    expect(over.body.request.reasons).toContain('over-quota');
    expect(over.body.pool.stateReason).toContain(
      'clone storage: 320 GiB in use + 160 GiB requested > limit 400 GiB',
    );
    const quotas = await api.get('/quotas');
    expect(quotas.body.items[0].used.storageGiB).toBe(320);
  });

  it('never exceeds the quota under 50 concurrent creates: what does not fit waits for approval', async () => {
    const api = await startBackend(databaseId);
    // Each pool reserves 2 × m1.large = 8 vCPU; the quota of 40 vCPU fits exactly 5.
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.post('/pools', {
          ...validSpec(),
          name: `p${i}`,
          autoscaling: { minReplicas: 0, maxReplicas: 2 },
        }),
      ),
    );
    const statuses = results.map(r => r.status);
    expect(statuses.filter(s => s === 202)).toHaveLength(50);
    const states = results.map(r => r.body.pool.state);
    expect(states.filter(s => s === 'provisioning')).toHaveLength(5);
    expect(states.filter(s => s === 'pending-approval')).toHaveLength(45);
    const quotas = await api.get('/quotas');
    expect(quotas.body.items[0].used).toEqual({
      cpu: 40,
      memoryGiB: 60,
      pools: 5,
      storageGiB: 0,
    });
    // 50 pools are written now (45 wait for approval), where 45 used to be refused early.
  }, 30_000);

  it('reports a pool name the team already uses while the form is filled in', async () => {
    const api = await startBackend(databaseId);
    expect((await api.post('/pools', validSpec())).status).toBe(202);
    const res = await api.post('/pools/validate', validSpec());
    expect(res.body.errors).toEqual([
      {
        field: 'name',
        message:
          "team 'payments' already has a pool named 'builds'; pick another name",
      },
    ]);
  });

  it('previews approval and quota impact while the form is filled in', async () => {
    const api = await startBackend(databaseId);
    const res = await api.post('/pools/validate', {
      ...validSpec(),
      flavor: { os: 'linux', cpu: 24, memoryGiB: 48, diskGiB: 100 },
      autoscaling: { minReplicas: 0, maxReplicas: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      errors: [],
      needsApproval: true,
      approvalReasons: ['custom-flavor'],
      flavor: { name: 'custom-linux-24c48g', jobSlots: 12 },
      reservation: { cpu: 24, memoryGiB: 48 },
      quota: { team: 'payments', used: { cpu: 0 } },
    });
  });
});
