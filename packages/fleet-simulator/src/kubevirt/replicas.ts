import { SimContext } from '../context';
import { formatLabelSelector } from '../kube/labelSelector';
import {
  controllerOf,
  controllerRef,
  KubeObject,
  keyOf,
  LabelSelector,
  ObjectMeta,
  stableJson,
} from '../kube/objects';
import { ResourceType } from '../kube/resources';
import { Watched } from '../kube/Watched';
import { WorkQueue } from '../kube/WorkQueue';
import { ReplicaStatus } from './types';

// What KubeVirt's two replica controllers share: the VirtualMachinePool (VMs) and the
// VirtualMachineInstanceReplicaSet (VMIs) both keep `spec.replicas` children of a template.

/** An owner that keeps `spec.replicas` children: a VirtualMachinePool or a VMIRS. */
interface ReplicaOwner extends KubeObject {
  spec: { selector?: LabelSelector };
  status?: ReplicaStatus;
}

/**
 * The work queue of a replica controller: reconciles an owner when it is added or updated, and
 * when a child it controls (of kind `ownerKind`) changes.
 */
export function replicaQueue<O extends KubeObject, C extends KubeObject>(
  ctx: SimContext,
  options: {
    name: string;
    owners: Watched<O>;
    children: Watched<C>;
    ownerKind: string;
    reconcile: (key: string) => Promise<void>;
  },
): WorkQueue {
  const queue = new WorkQueue({
    name: options.name,
    clock: ctx.clock,
    reconcile: options.reconcile,
    onError: message => ctx.events.log('kubevirt', message),
  });
  options.owners.on((verb, owner) => {
    if (verb !== 'delete') queue.add(keyOf(owner));
  });
  options.children.on((_verb, child) => {
    const owner = controllerOf(child);
    if (owner?.kind === options.ownerKind) {
      queue.add(`${child.metadata.namespace}/${owner.name}`);
    }
  });
  return queue;
}

/**
 * A child's metadata from its owner's template: the template's labels and annotations (copied)
 * and a controller reference to the owner as `apiVersion`/`kind`.
 */
export function childMetadata(
  owner: KubeObject,
  as: { apiVersion: string; kind: string },
  name: string,
  template: {
    metadata?: {
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
  },
): ObjectMeta {
  return {
    name,
    namespace: owner.metadata.namespace,
    labels: { ...template.metadata?.labels },
    ...(template.metadata?.annotations
      ? { annotations: { ...template.metadata.annotations } }
      : {}),
    ownerReferences: [controllerRef({ ...owner, ...as })],
  };
}

/**
 * Scale-in: deletes `victims` (in order, from `namespace`), records `reason` with their names,
 * and drops them from `active` (in place).
 */
export async function deleteVictims<T extends KubeObject>(
  ctx: SimContext,
  type: ResourceType,
  namespace: string,
  active: T[],
  victims: T[],
  event: { reason: string; ref: string; wanted: number },
): Promise<void> {
  for (const child of victims) {
    await ctx.kube.delete(type, namespace, child.metadata.name);
  }
  ctx.events.record(
    'kubevirt',
    event.reason,
    `deleted ${victims.map(v => v.metadata.name).join(', ')}, ${
      event.wanted
    } wanted`,
    { object: event.ref, data: { replicas: event.wanted } },
  );
  const gone = new Set(victims.map(v => v.metadata.name));
  active.splice(
    0,
    active.length,
    ...active.filter(v => !gone.has(v.metadata.name)),
  );
}

/**
 * Writes `replicas`, `readyReplicas` and `labelSelector` through the owner's status subresource,
 * when they differ from what it reports.
 */
export async function syncReplicaStatus<T extends KubeObject>(
  ctx: SimContext,
  type: ResourceType,
  owner: ReplicaOwner,
  active: T[],
  ready: (child: T) => boolean,
): Promise<void> {
  const status = {
    replicas: active.length,
    readyReplicas: active.filter(ready).length,
    labelSelector: formatLabelSelector(owner.spec.selector),
  };
  const current = {
    replicas: owner.status?.replicas ?? 0,
    readyReplicas: owner.status?.readyReplicas ?? 0,
    labelSelector: owner.status?.labelSelector ?? '',
  };
  if (stableJson(status) !== stableJson(current)) {
    await ctx.kube.patchStatus(
      type,
      owner.metadata.namespace ?? '',
      owner.metadata.name,
      status,
    );
  }
}
