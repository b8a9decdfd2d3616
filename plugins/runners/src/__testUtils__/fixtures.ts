import {
  ApprovalRequest,
  FleetSummary,
  PoolHealth,
  PoolHealthDetail,
  TeamHealth,
} from '@runner-fleet/plugin-runners-common';
import {
  EXAMPLE_FLAVOR_CATALOG,
  examplePoolSpec,
} from '@runner-fleet/plugin-runners-common/testUtils';
import { PoolResource } from '@runner-fleet/plugin-runners-react';

const large = EXAMPLE_FLAVOR_CATALOG.flavors[0];

/** A stored pool of the payments team; override what a test is about. */
export function pool(overrides: Partial<PoolResource> = {}): PoolResource {
  const spec = examplePoolSpec({ name: overrides.name ?? 'builds' });
  return {
    id: 'p-builds',
    team: 'payments',
    name: 'builds',
    spec,
    flavor: large,
    state: 'ready',
    stateReason: 'all VMs are ready',
    stateCode: 'Ready',
    generation: 1,
    observedGeneration: 1,
    gitlabRunnerId: 42,
    createdBy: 'user:default/guest',
    createdAt: '2026-01-01T10:00:00Z',
    updatedAt: '2026-01-01T10:05:00Z',
    ...overrides,
  };
}

/** Live health of a pool; override what a test is about. */
export function health(overrides: Partial<PoolHealth> = {}): PoolHealth {
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
    vmPhases: { Running: 2, Scheduling: 1 },
    bootSeconds: { p50: 41, p95: 52, samples: 12 },
    utilization: {
      busySlots: 3,
      totalSlots: 6,
      now: 0.5,
      avg1h: 0.4,
      avg24h: 0.35,
    },
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

/** A pool's health with VMs, events and a little history. */
export function healthDetail(
  overrides: Partial<PoolHealthDetail> = {},
): PoolHealthDetail {
  return {
    ...health(),
    vms: [
      {
        name: 'builds-vm-a',
        cluster: 'local',
        role: 'primary',
        phase: 'Running',
        createdAt: '2026-01-01T11:00:00Z',
        manager: { status: 'online', contactedAt: '2026-01-01T11:59:50Z' },
        runningJobs: [1001],
      },
      {
        name: 'builds-vm-b',
        cluster: 'local',
        role: 'primary',
        phase: 'Scheduling',
        runningJobs: [],
      },
    ],
    events: [
      {
        at: '2026-01-01T10:00:00Z',
        kind: 'state',
        message:
          'provisioning: registering the GitLab runner and creating the VMs',
      },
      {
        at: '2026-01-01T10:02:00Z',
        kind: 'scale',
        message: 'scaled from 1 to 3 VMs',
      },
    ],
    history: [
      {
        at: '2026-01-01T10:00:00Z',
        utilization: 0.2,
        busySlots: 1,
        pending: 0,
        waitP95: 10,
      },
      {
        at: '2026-01-01T11:00:00Z',
        utilization: 0.8,
        busySlots: 5,
        pending: 4,
        waitP95: 130,
      },
    ],
    ...overrides,
  };
}

/** A team with the given pools and totals summed from them. */
export function team(name: string, pools: PoolHealth[]): TeamHealth {
  const sum = (f: (p: PoolHealth) => number) =>
    pools.reduce((n, p) => n + f(p), 0);
  return {
    team: name,
    pools,
    totals: {
      vms: sum(p => p.replicas.current),
      readyVms: sum(p => p.replicas.ready),
      busySlots: sum(p => p.utilization.busySlots),
      totalSlots: sum(p => p.utilization.totalSlots),
      pending: sum(p => p.queue.pending),
      weightedCost24h: sum(p => p.cost.weighted24h),
    },
  };
}

/** An approval request for a custom flavor. */
export function approvalRequest(
  overrides: Partial<ApprovalRequest> = {},
): ApprovalRequest {
  return {
    id: 'r1',
    poolId: 'p-big',
    team: 'payments',
    poolName: 'big-builds',
    reasons: ['custom-flavor'],
    summary: 'new pool with custom 24 vCPU / 64 GiB',
    status: 'pending',
    requestedBy: 'user:default/guest',
    requestedAt: '2026-01-01T09:00:00Z',
    ...overrides,
  };
}

/** A fleet of two teams with one failing pool. */
export function fleetSummary(): FleetSummary {
  const failing = health({
    poolId: 'p-win',
    team: 'mobile',
    name: 'windows',
    flavor: 'win.xlarge',
    os: 'windows',
    state: 'failed',
    stateReason: 'golden image clone failed',
    stateCode: 'ProvisioningFailed',
  });
  return {
    teams: [team('mobile', [failing]), team('payments', [health()])],
    byFlavor: [
      {
        flavor: 'm1.large',
        os: 'linux',
        pools: 1,
        busySlots: 3,
        totalSlots: 6,
        pending: 1,
      },
      {
        flavor: 'win.xlarge',
        os: 'windows',
        pools: 1,
        busySlots: 0,
        totalSlots: 2,
        pending: 4,
      },
    ],
    ghosts: { runners: 1, managers: 0, vms: 2, removedTotal: 7 },
    failingPools: [
      {
        poolId: 'p-win',
        team: 'mobile',
        name: 'windows',
        state: 'failed',
        reason: 'golden image clone failed',
        code: 'ProvisioningFailed',
      },
    ],
    burst: { pools: 1, replicas: 3 },
    cacheSynced: true,
    observedAt: '2026-01-01T12:00:00Z',
  };
}
