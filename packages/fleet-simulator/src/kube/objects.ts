// The parts of Kubernetes objects the simulator reads and writes, as plain JSON (custom objects
// and watch events carry RFC 3339 strings, not Dates).

/** `metav1.OwnerReference`. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** `metav1.ObjectMeta`, the fields used here. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

/** Any object as the API server returns it. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
}

/** A status condition as KubeVirt, CDI and KEDA write them. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
  lastHeartbeatTime?: string;
}

/** `metav1.LabelSelector`. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
    values?: string[];
  }>;
}

/** `namespace/name` of an object. */
export function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** Splits a `namespace/name` key. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The owner reference to `owner` that marks it as the controller of a dependent. */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether `object` names `ownerUid` among its owners. */
export function isOwnedBy(
  object: KubeObject,
  ownerUid: string | undefined,
): boolean {
  return (
    ownerUid !== undefined &&
    (object.metadata.ownerReferences ?? []).some(ref => ref.uid === ownerUid)
  );
}

/** The controlling owner reference, if any. */
export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return (object.metadata.ownerReferences ?? []).find(ref => ref.controller);
}

/** Whether deletion of the object has been requested. */
export function isDeleting(object: KubeObject): boolean {
  return Boolean(object.metadata.deletionTimestamp);
}

/**
 * Sets a condition in a list: keeps `lastTransitionTime` when the status does not change, as
 * controllers do, and returns a new list.
 */
export function setCondition(
  conditions: Condition[] | undefined,
  condition: Condition,
  now: string,
): Condition[] {
  const list = conditions ?? [];
  const previous = list.find(c => c.type === condition.type);
  const next: Condition = {
    ...condition,
    lastTransitionTime:
      previous && previous.status === condition.status
        ? previous.lastTransitionTime ?? now
        : now,
  };
  const others = list.filter(c => c.type !== condition.type);
  return previous
    ? list.map(c => (c.type === condition.type ? next : c))
    : [...others, next];
}

/** A condition of a list by type. */
export function findCondition(
  conditions: Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find(c => c.type === type);
}

/** Stable JSON for "did anything change" comparisons (object keys sorted). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const source = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(source)
          .sort()
          .map(k => [k, source[k]]),
      );
    }
    return v;
  });
}
