import {
  effectiveMinReplicas,
  PoolReasonCode,
} from '@runner-fleet/plugin-runners-common';
import { PoolRecord, PoolTransition } from '../database/PoolStore';

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
): PoolTransition {
  const status = workload?.status ?? {};
  const ready = status.readyReplicas ?? 0;
  const a = pool.spec.autoscaling;
  const needed = effectiveMinReplicas(a);
  if (workload && ready >= needed) {
    return {
      state: 'ready',
      code: 'Ready',
      reason: `${ready} of ${
        status.replicas ?? ready
      } VMs ready (scales ${needed}–${a.maxReplicas})`,
    };
  }
  if (pool.state === 'ready' || pool.state === 'degraded') {
    return {
      state: 'degraded',
      code: 'BelowMinimum',
      reason: `only ${ready} of the ${needed} VMs the pool keeps at least are ready`,
    };
  }
  return {
    state: 'provisioning',
    code: workload ? 'VmsBooting' : 'CreatingVms',
    reason: workload
      ? `waiting for VMs to boot: ${ready} of ${needed} ready`
      : 'creating the VMs',
  };
}

/**
 * An error a reconcile pass fails with whose cause has a reason code of its own (a cluster
 * lacking an API, a missing golden image…), so the pool's state says which it is.
 */
export class PoolReasonError extends Error {
  readonly code: PoolReasonCode;

  constructor(code: PoolReasonCode, message: string) {
    super(message);
    this.name = 'PoolReasonError';
    this.code = code;
  }
}

/** The reason code a failed pass records: the error's own, else a generic reconcile error. */
export function reasonCodeOf(error: Error): PoolReasonCode {
  return error instanceof PoolReasonError ? error.code : 'ReconcileError';
}

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
 * reason names the object and what to do.
 */
export function goldenImageProblem(
  image: { namespace: string; name: string },
  cluster: string,
  dataSource: Record<string, unknown> | undefined,
): Pick<PoolTransition, 'code' | 'reason'> | undefined {
  const ref = `${image.namespace}/${image.name}`;
  if (!dataSource) {
    return {
      code: 'GoldenImageMissing',
      reason: `the golden image DataSource ${ref} does not exist on cluster '${cluster}', so CDI cannot clone the VMs' disks (CloneWithoutSource); create it with the install kit (k8s/images, k8s/README.md step 2) or set the flavor's image to an existing DataSource`,
    };
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
  return {
    code: 'GoldenImageNotReady',
    reason: `the golden image DataSource ${ref} on cluster '${cluster}' is not ready (${why}); the VMs' clones wait for it — import its source PVC (k8s/images) and wait until 'kubectl -n ${image.namespace} get datasource ${image.name}' is Ready`,
  };
}
