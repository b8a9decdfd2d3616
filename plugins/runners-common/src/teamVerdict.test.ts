import { Advice, Showback } from './capacity';
import { PoolHealth, TeamHealth } from './health';
import { teamVerdict } from './teamVerdict';

const NOW = new Date('2026-03-10T12:00:00Z');

function pool(overrides: Partial<PoolHealth> = {}): PoolHealth {
  return {
    poolId: 'p-builds',
    team: 'payments',
    name: 'builds',
    state: 'ready',
    stateReason: '2 of 2 VMs ready',
    stateCode: 'Ready',
    flavor: 'm1.large',
    os: 'linux',
    replicas: { desired: 2, current: 2, ready: 2, min: 1, max: 5 },
    vmPhases: { Running: 2 },
    bootSeconds: { p50: 40, p95: 52, samples: 12 },
    utilization: { busySlots: 2, totalSlots: 8, now: 0.25, avg24h: 0.3 },
    queue: { pending: 0, waitSeconds: { p50: 8, p95: 40, samples: 30 } },
    failedBoots: 0,
    ghosts: { runners: 0, managers: 0, vms: 0 },
    scaler: { active: true, desired: 2, atMax: false },
    burst: { enabled: false, replicas: 0, ready: 0 },
    cost: {
      vcpuHours24h: 192,
      gibHours24h: 288,
      weighted24h: 48,
      vcpuHours30d: 5760,
      gibHours30d: 8640,
      weighted30d: 1440,
    },
    observedAt: NOW.toISOString(),
    ...overrides,
  };
}

function team(pools: PoolHealth[], dataAgeSeconds?: number): TeamHealth {
  return {
    team: 'payments',
    pools,
    dataAgeSeconds,
    totals: {
      vms: pools.reduce((n, p) => n + p.replicas.current, 0),
      readyVms: pools.reduce((n, p) => n + p.replicas.ready, 0),
      busySlots: pools.reduce((n, p) => n + p.utilization.busySlots, 0),
      totalSlots: pools.reduce((n, p) => n + p.utilization.totalSlots, 0),
      pending: pools.reduce((n, p) => n + p.queue.pending, 0),
      weightedCost24h: pools.reduce((n, p) => n + p.cost.weighted24h, 0),
    },
  };
}

const minutesAgo = (m: number) =>
  new Date(NOW.getTime() - m * 60_000).toISOString();

describe('teamVerdict', () => {
  it('calls a team with running pools and short waits healthy', () => {
    const v = teamVerdict({ health: team([pool()]), now: NOW });
    expect(v.level).toBe('healthy');
    expect(v.reasons.map(r => r.code)).toEqual(['AllRunning']);
    expect(v.runners).toEqual({ online: 2, offline: 0, stale: 0 });
  });

  it('says so when the team has no pool, and ignores pools that run nothing', () => {
    const v = teamVerdict({
      health: team([
        pool({ state: 'pending-approval', stateCode: 'AwaitingApproval' }),
      ]),
      now: NOW,
    });
    expect(v.level).toBe('healthy');
    expect(v.reasons.map(r => r.code)).toEqual(['NoPools']);
  });

  it('fails a team with a failed pool or one stuck provisioning, worst reason first', () => {
    const v = teamVerdict({
      health: team([
        pool({
          poolId: 'a',
          name: 'slow',
          queue: {
            pending: 1,
            waitSeconds: { p50: 200, p95: 900, samples: 5 },
          },
        }),
        pool({
          poolId: 'b',
          name: 'no-group',
          state: 'provisioning',
          stateCode: 'ReconcileError',
          stateReason: "GitLab group 'x' does not exist",
        }),
      ]),
      now: NOW,
    });
    expect(v.level).toBe('failing');
    expect(v.reasons.map(r => r.code)).toEqual([
      'ProvisioningStuck',
      'SlowQueue',
    ]);
    expect(v.reasons[0].message).toContain("GitLab group 'x' does not exist");
    expect(v.reasons[0].poolId).toBe('b');
    expect(v.queue).toEqual({
      pending: 1,
      waitSeconds: { p50: 200, p95: 900 },
    });
  });

  it('fails a team whose jobs wait while no runner is online', () => {
    const v = teamVerdict({
      health: team([
        pool({
          replicas: { desired: 1, current: 1, ready: 0, min: 1, max: 2 },
          queue: { pending: 3, waitSeconds: { samples: 0 } },
        }),
      ]),
      now: NOW,
    });
    expect(v.level).toBe('failing');
    expect(v.reasons[0]).toMatchObject({
      code: 'JobsWaitWithoutRunners',
      message: '3 jobs wait and no runner is online',
    });
  });

  it('counts runners online, offline and stale by GitLab’s 2 hour and 7 day limits', () => {
    const v = teamVerdict({
      health: team([pool()]),
      managers: [
        { contactedAt: minutesAgo(1) },
        { contactedAt: minutesAgo(119) },
        { contactedAt: minutesAgo(121) },
        { contactedAt: minutesAgo(8 * 24 * 60) },
        {},
      ],
      now: NOW,
    });
    expect(v.runners).toEqual({ online: 2, offline: 2, stale: 1 });
    expect(v.level).toBe('degraded');
    expect(v.reasons.map(r => r.code)).toEqual([
      'RunnersOffline',
      'RunnersStale',
    ]);
  });

  it('sums the health API’s per-pool runner counts without manager contacts', () => {
    const v = teamVerdict({
      health: team([
        pool({ poolId: 'a', runners: { online: 2, offline: 1, stale: 0 } }),
        pool({ poolId: 'b', runners: { online: 1, offline: 0, stale: 3 } }),
      ]),
      now: NOW,
    });
    expect(v.runners).toEqual({ online: 3, offline: 1, stale: 3 });
  });

  it('reports the slowest pool’s p50, p90 and p99 wait', () => {
    const v = teamVerdict({
      health: team([
        pool({
          poolId: 'a',
          queue: {
            pending: 0,
            waitSeconds: { p50: 5, p90: 30, p95: 40, p99: 90, samples: 50 },
          },
        }),
        pool({
          poolId: 'b',
          queue: {
            pending: 0,
            waitSeconds: { p50: 8, p90: 20, p95: 30, p99: 120, samples: 50 },
          },
        }),
      ]),
      now: NOW,
    });
    expect(v.queue.waitSeconds).toEqual({ p50: 8, p90: 30, p95: 40, p99: 120 });
  });

  it('degrades a saturated pool, ghosts and stale CI data', () => {
    const v = teamVerdict({
      health: team(
        [
          pool({
            scaler: { active: true, atMax: true },
            utilization: { busySlots: 19, totalSlots: 20, now: 0.95 },
            ghosts: { runners: 1, managers: 0, vms: 0 },
          }),
        ],
        1200,
      ),
      now: NOW,
    });
    expect(v.level).toBe('degraded');
    expect(v.reasons.map(r => r.code)).toEqual([
      'Saturated',
      'GhostRunners',
      'StaleData',
    ]);
  });

  it('names the busiest and idlest pool, month-to-date cost and the top advice', () => {
    const showback: Showback = {
      from: '2026-03-01T00:00:00Z',
      to: '2026-03-10T12:00:00Z',
      currency: 'EUR',
      prices: [],
      rows: [
        {
          team: 'payments',
          poolId: 'a',
          poolName: 'hot',
          flavor: 'm1.large',
          vmHours: 10,
          vcpuHours: 40,
          gibHours: 60,
          burstVcpuHours: 0,
          burstGibHours: 0,
          jobMinutes: 0,
          jobs: 0,
        },
        {
          team: 'payments',
          poolId: 'b',
          poolName: 'cold',
          flavor: 'm1.xlarge',
          vmHours: 5,
          vcpuHours: 40,
          gibHours: 80,
          burstVcpuHours: 0,
          burstGibHours: 0,
          jobMinutes: 0,
          jobs: 0,
        },
      ],
      teams: [
        {
          team: 'payments',
          vmHours: 15,
          vcpuHours: 80,
          gibHours: 140,
          burstVcpuHours: 0,
          burstGibHours: 0,
          jobMinutes: 0,
          jobs: 0,
          cost: 12.5,
        },
      ],
      flavors: [],
      total: {
        vmHours: 15,
        vcpuHours: 80,
        gibHours: 140,
        burstVcpuHours: 0,
        burstGibHours: 0,
        jobMinutes: 0,
        jobs: 0,
        cost: 12.5,
      },
    };
    const advice = {
      id: 'adv-1',
      kind: 'lower-min-replicas',
      poolId: 'b',
      team: 'payments',
      poolName: 'cold',
      title: 'Keep 0 VMs of cold when idle',
      reasoning: [],
      change: {},
      basedOn: { from: '', to: '', hours: 24 },
    } as Advice;
    const v = teamVerdict({
      health: team([
        pool({
          poolId: 'a',
          name: 'hot',
          utilization: { busySlots: 6, totalSlots: 8, now: 0.75, avg24h: 0.7 },
        }),
        pool({
          poolId: 'b',
          name: 'cold',
          utilization: { busySlots: 0, totalSlots: 8, now: 0, avg24h: 0.05 },
        }),
        pool({ poolId: 'c', name: 'mid' }),
      ]),
      showback,
      costWeights: { 'm1.large': 1, 'm1.xlarge': 2 },
      advice: [advice],
      now: NOW,
    });
    expect(v.busiest).toEqual({ poolId: 'a', name: 'hot', utilization: 0.7 });
    expect(v.idlest).toEqual({ poolId: 'b', name: 'cold', utilization: 0.05 });
    expect(v.cost).toEqual({
      last24h: 144,
      monthToDate: 20,
      monthToDatePrice: 12.5,
      currency: 'EUR',
    });
    expect(v.topAdvice?.id).toBe('adv-1');
  });
});
