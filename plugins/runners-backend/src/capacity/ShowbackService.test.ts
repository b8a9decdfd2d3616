import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EXAMPLE_FLAVOR_CATALOG } from '@runner-fleet/plugin-runners-common/testUtils';
import request from 'supertest';
import { readRunnersConfig } from '../config';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseHistoryStore } from '../database/DatabaseHistoryStore';
import { runnersPlugin } from '../plugin';
import { PoolPermissions } from '../service/PoolPermissions';
import { ShowbackService } from './ShowbackService';
import {
  groundTruth,
  PoolUsage,
  randomUsage,
  replayUsage,
} from './__testUtils__/usageHistory';

const databases = createTestDatabases();
const [large, xlarge] = EXAMPLE_FLAVOR_CATALOG.flavors;
const HOUR = 3_600_000;
/** Six whole hours of history; the showback asks for exactly these. */
const FROM = Date.UTC(2026, 10, 2, 6);
const TO = FROM + 6 * HOUR;

const pricing = {
  currency: 'EUR',
  vcpuHour: 0.02,
  gibHour: 0.005,
  clusters: { 'cloud-burst': { vcpuHour: 0.05, gibHour: 0.01 } },
};
const runners = {
  pricing,
  clusters: [
    { name: 'local', authProvider: 'inCluster' },
    { name: 'cloud-burst', role: 'burst', authProvider: 'inCluster' },
  ],
  scalingMetrics: { token: 'test-scaling-token' },
};
const config = readRunnersConfig(
  new ConfigReader({
    backend: { baseUrl: 'http://localhost:7007' },
    runners,
  }),
);

function fleetUsage(): PoolUsage[] {
  const pool = (id: string, team: string, name: string, flavor = large) => ({
    id,
    team,
    name,
    flavor,
  });
  const common = { fromMs: FROM - HOUR, toMs: TO + HOUR };
  return [
    randomUsage({
      pool: pool('p-builds', 'payments', 'builds'),
      seed: 1,
      vmsPerHour: 6,
      jobsPerHour: 40,
      ...common,
    }),
    randomUsage({
      pool: pool('p-heavy', 'payments', 'heavy', xlarge),
      seed: 2,
      vmsPerHour: 4,
      jobsPerHour: 20,
      burstShare: 0.4,
      ...common,
    }),
    randomUsage({
      pool: pool('s-ci', 'search', 'ci'),
      seed: 3,
      vmsPerHour: 3,
      jobsPerHour: 15,
      ...common,
    }),
  ];
}

const within1Percent = (actual: number, expected: number) => {
  expect(expected).toBeGreaterThan(0);
  expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(0.01);
};

function allow(): PoolPermissions {
  return PoolPermissions.create({ permissions: mockServices.permissions() });
}

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('showback on %p', databaseId => {
  async function recorded() {
    const knex = await databases.init(databaseId);
    const store = await DatabaseHistoryStore.create({
      database: mockServices.database({ knex }),
    });
    const usage = fleetUsage();
    await replayUsage({ store, usage, fromMs: FROM, toMs: TO });
    return { knex, store, usage };
  }

  it('sums vCPU-hours, GiB-hours, job-minutes and cost per pool and team within 1% of what ran', async () => {
    const { store, usage } = await recorded();
    const showback = ShowbackService.create({
      history: store,
      config,
      permissions: allow(),
      clock: () => TO + 5 * 60_000,
    });
    const report = await showback.report(mockCredentials.user(), {
      from: new Date(FROM).toISOString(),
      to: new Date(TO).toISOString(),
    });
    expect(report).toMatchObject({
      from: new Date(FROM).toISOString(),
      to: new Date(TO).toISOString(),
      currency: 'EUR',
      prices: [
        { cluster: 'local', role: 'primary', vcpuHour: 0.02, gibHour: 0.005 },
        {
          cluster: 'cloud-burst',
          role: 'burst',
          vcpuHour: 0.05,
          gibHour: 0.01,
        },
      ],
    });
    const priced = (t: ReturnType<typeof groundTruth>) =>
      t.vcpuHours * 0.02 +
      t.gibHours * 0.005 +
      t.burstVcpuHours * 0.05 +
      t.burstGibHours * 0.01;
    for (const u of usage) {
      const truth = groundTruth(u, FROM, TO);
      const row = report.rows.find(r => r.poolId === u.pool.id)!;
      expect(row).toMatchObject({
        team: u.pool.team,
        poolName: u.pool.name,
        flavor: u.pool.flavor.name,
      });
      within1Percent(row.vcpuHours, truth.vcpuHours);
      within1Percent(row.gibHours, truth.gibHours);
      within1Percent(row.jobMinutes, truth.jobMinutes);
      within1Percent(row.cost!, priced(truth));
      // Burst within 1% too; the pools without burst have exactly none.
      for (const key of ['burstVcpuHours', 'burstGibHours'] as const) {
        expect(Math.abs(row[key] - truth[key])).toBeLessThanOrEqual(
          0.01 * truth[key],
        );
      }
    }
    const payments = usage
      .filter(u => u.pool.team === 'payments')
      .map(u => groundTruth(u, FROM, TO));
    const team = report.teams.find(t => t.team === 'payments')!;
    within1Percent(
      team.vcpuHours + team.burstVcpuHours,
      payments.reduce((a, t) => a + t.vcpuHours + t.burstVcpuHours, 0),
    );
    within1Percent(
      team.cost!,
      payments.reduce((a, t) => a + priced(t), 0),
    );
    within1Percent(
      report.total.jobMinutes,
      usage.reduce((a, u) => a + groundTruth(u, FROM, TO).jobMinutes, 0),
    );
    expect(
      report.rows.find(r => r.poolId === 'p-heavy')!.burstVcpuHours,
    ).toBeGreaterThan(0);
    expect(report.flavors.map(f => f.flavor)).toEqual([
      'm1.large',
      'm1.xlarge',
    ]);
  });

  it('shows a member only the teams whose pools they may read, and refuses another team', async () => {
    const { store } = await recorded();
    const permissions = PoolPermissions.create({
      permissions: mockServices.permissions.mock({
        authorizeConditional: async () => [
          {
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'runners',
            resourceType: 'runners-pool',
            conditions: {
              rule: 'IS_TEAM_MEMBER',
              resourceType: 'runners-pool',
              params: { claims: ['group:default/search'] },
            },
          },
        ],
      }),
    });
    const showback = ShowbackService.create({
      history: store,
      config,
      permissions,
      clock: () => TO,
    });
    const credentials = mockCredentials.user('user:default/sam.search');
    const report = await showback.report(credentials, {
      from: new Date(FROM).toISOString(),
    });
    expect(report.teams.map(t => t.team)).toEqual(['search']);
    expect(report.rows.map(r => r.poolId)).toEqual(['s-ci']);
    await expect(
      showback.report(credentials, { team: 'payments' }),
    ).rejects.toThrow(/may not see the showback of team 'payments'/);
  });

  it('serves the showback as JSON and CSV, and names a bad period', async () => {
    const { knex } = await recorded();
    const { server } = await startTestBackend({
      features: [
        runnersPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            runners: { pricing },
          },
        }),
      ],
    });
    const get = (path: string) =>
      request(server)
        .get(`/api/runners${path}`)
        .set('Authorization', mockCredentials.user.header());
    // As a client sends it: URLSearchParams encodes the colons.
    const period = new URLSearchParams({
      from: new Date(FROM).toISOString(),
      to: new Date(TO).toISOString(),
    }).toString();
    const json = await get(`/showback?${period}&team=payments`);
    expect(json.body.error?.message).toBeUndefined();
    expect(json.status).toBe(200);
    expect(json.body.rows.map((r: { poolName: string }) => r.poolName)).toEqual(
      ['builds', 'heavy'],
    );
    const csv = await get(`/showback/csv?${period}&team=payments`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe(
      'attachment; filename="showback-payments-2026-11-02-2026-11-02.csv"',
    );
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'team,poolName,poolId,flavor,vmHours,vcpuHours,gibHours,burstVcpuHours,burstGibHours,jobMinutes,jobs,cost,currency,from,to',
    );
    expect(lines).toHaveLength(3);
    const builds = json.body.rows[0];
    expect(lines[1].split(',').slice(0, 6)).toEqual([
      'payments',
      'builds',
      'p-builds',
      'm1.large',
      String(builds.vmHours),
      String(builds.vcpuHours),
    ]);
    const bad = await get('/showback?from=last-tuesday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /from: 'last-tuesday' is not a date; use ISO 8601/,
    );
  });
});
