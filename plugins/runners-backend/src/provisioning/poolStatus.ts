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

/** A Kubernetes-style condition as KubeVirt and CDI write them. */
interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** The status fields of a DataSource, VMI or DataVolume read here. */
export interface ObjectStatus {
  metadata?: { name?: string };
  status?: { phase?: string; conditions?: Condition[] };
}

const conditionOf = (object: ObjectStatus, type: string) =>
  object.status?.conditions?.find(c => c.type === type);

/** `reason: message` of a condition, or its reason alone. */
const describe = (c: Condition | undefined, fallback: string) =>
  c ? `${c.reason ?? fallback}${c.message ? `: ${c.message}` : ''}` : fallback;

/** `a, b and 2 more`: the first names of a list, for a reason sentence. */
function names(objects: ObjectStatus[]): string {
  const shown = objects.slice(0, 2).map(o => o.metadata?.name ?? '?');
  const more = objects.length - shown.length;
  return more > 0
    ? `${shown.join(', ')} and ${more} more`
    : shown.join(' and ');
}

/**
 * Why a pool's VMs do not start, from the VMIs and DataVolumes the watch cache holds for it on
 * the primary cluster, in the order the causes happen: a disk clone that failed, VMs no node can
 * take, VMs that failed to boot. Undefined when none applies (they are still on their way).
 */
export function vmProblem(objects: {
  vmis: ObjectStatus[];
  dataVolumes: ObjectStatus[];
}): Pick<PoolTransition, 'code' | 'reason'> | undefined {
  const failedClones = objects.dataVolumes.filter(
    dv => dv.status?.phase === 'Failed',
  );
  if (failedClones.length) {
    return {
      code: 'DiskCloneFailed',
      reason: `the disk clone of ${failedClones.length} VM${
        failedClones.length === 1 ? '' : 's'
      } failed (${names(failedClones)}: ${describe(
        conditionOf(failedClones[0], 'Running'),
        'Failed',
      )}); check the golden image and the storage class, then delete the failed DataVolume so the pool clones again`,
    };
  }
  const unschedulable = objects.vmis.filter(vmi => {
    const c = conditionOf(vmi, 'PodScheduled');
    return c?.status === 'False';
  });
  if (unschedulable.length) {
    return {
      code: 'VmsUnschedulable',
      reason: `${unschedulable.length} of ${
        objects.vmis.length
      } VMs cannot be scheduled (${names(unschedulable)}: ${describe(
        conditionOf(unschedulable[0], 'PodScheduled'),
        'Unschedulable',
      )}); the cluster lacks room for this flavor: pick a smaller flavor or fewer VMs, or ask the platform team for capacity`,
    };
  }
  const failed = objects.vmis.filter(vmi => vmi.status?.phase === 'Failed');
  if (failed.length) {
    return {
      code: 'VmsFailed',
      reason: `${failed.length} of ${
        objects.vmis.length
      } VMs failed to boot (${names(failed)}: ${describe(
        conditionOf(failed[0], 'Ready'),
        'Failed',
      )}); KubeVirt replaces them — if it keeps happening, check the flavor's image and the VMs' virt-launcher logs`,
    };
  }
  return undefined;
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
  const ready = conditionOf(dataSource as ObjectStatus, 'Ready');
  if (ready?.status === 'True') return undefined;
  const why = ready
    ? describe(ready, 'not ready')
    : 'CDI has not reported it Ready yet';
  return {
    code: 'GoldenImageNotReady',
    reason: `the golden image DataSource ${ref} on cluster '${cluster}' is not ready (${why}); the VMs' clones wait for it — import its source PVC (k8s/images) and wait until 'kubectl -n ${image.namespace} get datasource ${image.name}' is Ready`,
  };
}
