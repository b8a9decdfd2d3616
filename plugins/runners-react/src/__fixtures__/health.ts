import { PoolHealth, TeamHealth } from '@runner-fleet/plugin-runners-common';

/** A healthy pool of the payments team; override what a test is about. */
export function poolHealth(overrides: Partial<PoolHealth> = {}): PoolHealth {
  return {
    poolId: 'p-builds',
    team: 'payments',
    name: 'builds',
    state: 'ready',
    stateReason: 'all VMs are ready',
    stateCode: 'Ready',
    flavor: 'm1.large',
    os: 'linux',
    replicas: { desired: 3, current: 3, ready: 2, min: 1, max: 5 },
    vmPhases: { Running: 3 },
    bootSeconds: { p50: 40, p95: 52, samples: 12 },
    utilization: { busySlots: 3, totalSlots: 6, now: 0.5, avg1h: 0.4 },
    queue: { pending: 1, waitSeconds: { p50: 8, p95: 75, samples: 30 } },
    failedBoots: 0,
    ghosts: { runners: 0, managers: 0, vms: 0 },
    scaler: { active: true, desired: 3, atMax: false },
    burst: { enabled: false, replicas: 0, ready: 0 },
    cost: {
      vcpuHours24h: 288,
      gibHours24h: 432,
      weighted24h: 72,
      vcpuHours30d: 8640,
      gibHours30d: 12960,
      weighted30d: 2160,
    },
    observedAt: '2026-01-01T12:00:00Z',
    ...overrides,
  };
}

/** A team with the given pools and totals summed from them. */
export function teamHealth(team: string, pools: PoolHealth[]): TeamHealth {
  return {
    team,
    pools,
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
