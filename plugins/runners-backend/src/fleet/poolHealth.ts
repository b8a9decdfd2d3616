import {
  effectiveMinReplicas,
  LABELS,
  PoolHealth,
  PoolScalingSignal,
  RunnerCounts,
  VmHealth,
} from '@runner-fleet/plugin-runners-common';
import { PoolRecord } from '../database/PoolStore';
import { vmiRunnerSystemId } from '../provisioning/render';
import { CiPoolSnapshot, snapshotAgeMs } from './CiPoller';
import { CachedObject, PoolObjects } from './FleetCache';
import { PoolHistoryFigures } from './FleetHistory';
import { percentiles } from './percentiles';

const DAY = 24 * 3600_000;
const ONLINE_MS = 2 * 3600_000;
const STALE_MS = 7 * DAY;

/**
 * Counts runner managers as GitLab does: online = contacted in the last 2 hours; stale = no
 * contact for more than 7 days, or never contacted and created more than 7 days ago; offline =
 * the rest.
 */
export function countRunners(
  managers: Array<{ contactedAt?: string; createdAt?: string }>,
  now: number,
): RunnerCounts {
  const counts: RunnerCounts = { online: 0, offline: 0, stale: 0 };
  for (const m of managers) {
    const age = (at?: string) => (at ? now - Date.parse(at) : undefined);
    const contact = age(m.contactedAt);
    const created = age(m.createdAt);
    if (contact !== undefined && contact <= ONLINE_MS) counts.online++;
    else if (
      (contact !== undefined && contact > STALE_MS) ||
      (contact === undefined && created !== undefined && created > STALE_MS)
    ) {
      counts.stale++;
    } else counts.offline++;
  }
  return counts;
}

/** The cached objects of a pool on the primary and burst clusters. */
export interface PoolView {
  primary: PoolObjects;
  burst?: PoolObjects;
}

type Status = {
  replicas?: number;
  readyReplicas?: number;
  phase?: string;
  conditions?: Array<{
    type: string;
    status: string;
    lastTransitionTime?: string;
  }>;
  lastActiveTime?: string;
};

const status = (o?: CachedObject) => (o?.status ?? {}) as Status;

function workloadOf(
  objects: PoolObjects,
  role: 'primary' | 'burst',
): CachedObject | undefined {
  return [...objects.replicaSets, ...objects.vmPools].find(
    o => (o.metadata.labels?.[LABELS.role] ?? 'primary') === role,
  );
}

function vmisOf(objects: PoolObjects | undefined): CachedObject[] {
  return objects?.vmis ?? [];
}

/** The VMs of a pool with their runner managers and running jobs. */
export function poolVms(
  view: PoolView,
  ci: CiPoolSnapshot | undefined,
  clusters: { primary: string; burst?: string },
  os: 'linux' | 'windows',
): VmHealth[] {
  const managers = new Map((ci?.managers ?? []).map(m => [m.systemId, m]));
  const vms: VmHealth[] = [];
  const add = (
    objects: PoolObjects | undefined,
    cluster: string | undefined,
    role: 'primary' | 'burst',
  ) => {
    for (const vmi of vmisOf(objects)) {
      // GitLab knows a VM only by the system_id its guest wrote for gitlab-runner.
      const systemId = vmiRunnerSystemId(vmi, os);
      const manager = systemId ? managers.get(systemId) : undefined;
      vms.push({
        name: vmi.metadata.name,
        cluster: cluster ?? '',
        role,
        phase: status(vmi).phase ?? 'Pending',
        createdAt: vmi.metadata.creationTimestamp
          ? new Date(vmi.metadata.creationTimestamp).toISOString()
          : undefined,
        manager: manager && {
          status: manager.status,
          contactedAt: manager.contactedAt,
          firstContactAt: manager.createdAt,
        },
        runningJobs: (ci?.running ?? [])
          .filter(j => systemId !== undefined && j.systemId === systemId)
          .map(j => j.id),
      });
    }
  };
  add(view.primary, clusters.primary, 'primary');
  add(view.burst, clusters.burst, 'burst');
  return vms.sort((a, b) => a.name.localeCompare(b.name));
}

/** Computes a pool's health from the store, the fleet cache and the CI poller. */
export function computePoolHealth(options: {
  pool: PoolRecord;
  view: PoolView;
  ci?: CiPoolSnapshot;
  history: PoolHistoryFigures;
  ghosts: { runners: number; managers: number; vms: number };
  now: number;
  clusters: { primary: string; burst?: string };
}): PoolHealth {
  const { pool, view, ci, history, now } = options;
  const flavor = pool.flavor;
  const a = pool.spec.autoscaling;
  const workload = workloadOf(view.primary, 'primary');
  const burstWorkload = view.burst
    ? workloadOf(view.burst, 'burst')
    : undefined;
  const vms = poolVms(view, ci, options.clusters, flavor.os);
  const phases: Record<string, number> = {};
  for (const vm of vms) phases[vm.phase] = (phases[vm.phase] ?? 0) + 1;
  const ready = status(workload).readyReplicas ?? 0;
  const burstReady = status(burstWorkload).readyReplicas ?? 0;
  const busySlots = ci?.running.length ?? 0;
  const totalSlots = (ready + burstReady) * flavor.jobSlots;
  const bootSamples = vms
    .filter(vm => vm.createdAt && vm.manager?.firstContactAt)
    .map(
      vm =>
        (new Date(vm.manager!.firstContactAt!).getTime() -
          new Date(vm.createdAt!).getTime()) /
        1000,
    )
    .filter(s => s >= 0);
  const waits = (ci?.recent ?? [])
    .filter(
      j =>
        j.queuedDurationSeconds !== undefined &&
        j.startedAt &&
        new Date(j.startedAt).getTime() >= now - DAY,
    )
    .map(j => j.queuedDurationSeconds!);
  const scaledObject = view.primary.scaledObjects.find(
    o => (o.metadata.labels?.[LABELS.role] ?? 'primary') === 'primary',
  );
  const condition = (type: string) =>
    status(scaledObject).conditions?.find(c => c.type === type)?.status;
  const active = condition('Active') === 'True';
  const scalerReady = condition('Ready');
  const desired = (workload?.spec as { replicas?: number } | undefined)
    ?.replicas;
  const round = (v: number) => Math.round(v * 100) / 100;
  // Sums of what was sampled, so a flavor change mid-window is priced minute by minute.
  const hours = (seconds: number | undefined) => round((seconds ?? 0) / 3600);
  return {
    poolId: pool.id,
    team: pool.team,
    name: pool.name,
    state: pool.state,
    stateReason: pool.stateReason,
    stateCode: pool.stateCode,
    flavor: flavor.name,
    os: flavor.os,
    replicas: {
      desired: desired ?? 0,
      current: status(workload).replicas ?? 0,
      ready,
      min: effectiveMinReplicas(a),
      max: a.maxReplicas,
    },
    vmPhases: phases,
    bootSeconds: percentiles(bootSamples),
    utilization: {
      busySlots,
      totalSlots,
      now: totalSlots ? round(busySlots / totalSlots) : 0,
      avg1h: history.avg1h,
      avg24h: history.avg24h,
    },
    queue: {
      pending: ci?.pending.length ?? 0,
      waitSeconds: percentiles(waits),
    },
    failedBoots: phases.Failed ?? 0,
    ghosts: options.ghosts,
    scaler: {
      ready: scalerReady === undefined ? undefined : scalerReady === 'True',
      active,
      desired,
      atMax: desired !== undefined && desired >= a.maxReplicas,
      lastScaleTime: status(scaledObject).lastActiveTime,
    },
    burst: {
      enabled: a.burst,
      replicas: status(burstWorkload).replicas ?? 0,
      ready: burstReady,
    },
    cost: {
      vcpuHours24h: hours(history.day?.vcpuSeconds),
      gibHours24h: hours(history.day?.gibSeconds),
      weighted24h: hours(history.day?.weightedVmSeconds),
      vcpuHours30d: hours(history.month?.vcpuSeconds),
      gibHours30d: hours(history.month?.gibSeconds),
      weighted30d: hours(history.month?.weightedVmSeconds),
    },
    observedAt: new Date(ci?.polledAt ?? now).toISOString(),
    ...(ci && {
      dataAgeSeconds: ageSeconds(ci, now),
      runners: countRunners(ci.managers, now),
    }),
  };
}

function ageSeconds(ci: CiPoolSnapshot, now: number): number {
  return Math.round(snapshotAgeMs(ci, now) / 1000);
}

/**
 * What KEDA scales on: busy and pending jobs of the pool, and the demand beyond the primary
 * pool's maximum capacity, which the burst pool absorbs.
 */
export function scalingSignal(
  pool: PoolRecord,
  view: PoolView,
  ci?: CiPoolSnapshot,
  now = Date.now(),
): PoolScalingSignal {
  const busy = ci?.running.length ?? 0;
  const pending = ci?.pending.length ?? 0;
  const age = ci && { dataAgeSeconds: ageSeconds(ci, now) };
  if (!pool.spec.autoscaling.burst) {
    return {
      busyJobSlots: busy,
      pendingJobs: pending,
      overflow: { busyJobSlots: 0, pendingJobs: 0 },
      ...age,
    };
  }
  const burstVms = new Set(
    vmisOf(view.burst).map(v => vmiRunnerSystemId(v, pool.flavor.os)),
  );
  const busyOnBurst = (ci?.running ?? []).filter(
    j => j.systemId && burstVms.has(j.systemId),
  ).length;
  const primary = workloadOf(view.primary, 'primary');
  const primaryDesired =
    (primary?.spec as { replicas?: number } | undefined)?.replicas ?? 0;
  const atMax = primaryDesired >= pool.spec.autoscaling.maxReplicas;
  return {
    busyJobSlots: busy - busyOnBurst,
    pendingJobs: pending,
    overflow: { busyJobSlots: busyOnBurst, pendingJobs: atMax ? pending : 0 },
    ...age,
  };
}
