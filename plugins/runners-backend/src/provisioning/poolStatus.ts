import {
  effectiveMinReplicas,
  PoolState,
} from '@runner-fleet/plugin-runners-common';
import { PoolRecord } from '../database/PoolStore';

/** What the primary workload reports (VMIRS or VirtualMachinePool status). */
export interface WorkloadStatus {
  readyReplicas?: number;
  replicas?: number;
}

/**
 * The state a provisioned pool is in, from its primary workload as read now: ready once at
 * least its minimum of VMs is ready; degraded when a ready pool drops below it; otherwise still
 * provisioning.
 */
export function workloadState(
  pool: Pick<PoolRecord, 'state' | 'spec'>,
  workload: { status?: WorkloadStatus } | undefined,
): { state: PoolState; reason: string } {
  const status = workload?.status ?? {};
  const ready = status.readyReplicas ?? 0;
  const a = pool.spec.autoscaling;
  const needed = effectiveMinReplicas(a);
  if (workload && ready >= needed) {
    return {
      state: 'ready',
      reason: `${ready} of ${
        status.replicas ?? ready
      } VMs ready (scales ${needed}–${a.maxReplicas})`,
    };
  }
  if (pool.state === 'ready' || pool.state === 'degraded') {
    return {
      state: 'degraded',
      reason: `only ${ready} of the ${needed} VMs the pool keeps at least are ready`,
    };
  }
  return {
    state: 'provisioning',
    reason: workload
      ? `waiting for VMs to boot: ${ready} of ${needed} ready`
      : 'creating the VMs',
  };
}
