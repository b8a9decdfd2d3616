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

/**
 * Machine codes at the start of a pool's state reason (`<code>: <message>`) when its VMs cannot
 * start for a cause the backend can see. UI and tests match the code, never the sentence.
 *
 * @public
 */
export const POOL_REASON_CODES = {
  /** The flavor's golden image DataSource does not exist: CDI reports `CloneWithoutSource`. */
  goldenImageMissing: 'GoldenImageMissing',
  /** The DataSource exists but is not Ready (its source PVC is missing or still importing). */
  goldenImageNotReady: 'GoldenImageNotReady',
} as const;

/** The fields of a DataSource read here. */
interface DataSourceConditions {
  status?: {
    conditions?: Array<{
      type?: string;
      status?: string;
      reason?: string;
      message?: string;
    }>;
  };
}

/**
 * Why a Windows pool's VMs cannot get their disks, from the golden image DataSource as read on
 * the primary cluster (`undefined`: it does not exist); undefined when the image is Ready. The
 * reason names the code, the object and what to do.
 */
export function goldenImageProblem(
  image: { namespace: string; name: string },
  cluster: string,
  dataSource: Record<string, unknown> | undefined,
): string | undefined {
  const ref = `${image.namespace}/${image.name}`;
  if (!dataSource) {
    return `${POOL_REASON_CODES.goldenImageMissing}: the golden image DataSource ${ref} does not exist on cluster '${cluster}', so CDI cannot clone the VMs' disks (CloneWithoutSource); create it with the install kit (k8s/images, k8s/README.md step 2) or set the flavor's image to an existing DataSource`;
  }
  const ready = (dataSource as DataSourceConditions).status?.conditions?.find(
    c => c.type === 'Ready',
  );
  if (ready?.status === 'True') return undefined;
  const why = ready
    ? `${ready.reason ?? 'not ready'}${
        ready.message ? `: ${ready.message}` : ''
      }`
    : 'CDI has not reported it Ready yet';
  return `${POOL_REASON_CODES.goldenImageNotReady}: the golden image DataSource ${ref} on cluster '${cluster}' is not ready (${why}); the VMs' clones wait for it — import its source PVC (k8s/images) and wait until 'kubectl -n ${image.namespace} get datasource ${image.name}' is Ready`;
}
