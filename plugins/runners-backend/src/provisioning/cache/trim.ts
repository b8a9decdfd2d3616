import { createHash } from 'node:crypto';
import { KubeObject } from '../render';

/** Metadata fields the reconciler, rollout and health view read; everything else is dropped. */
export interface TrimmedMetadata {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: unknown[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
}

/**
 * Field of a trimmed Secret: sha256 of each `data` key's (base64) value. The value itself is
 * never kept; the reconciler compares a rendered Secret's hashes with these.
 */
export const DATA_HASHES = 'dataHashes';

/** An object as the API server returns it. */
export type RawObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: object;
  [k: string]: unknown;
};
type Raw = RawObject;

const OWN_PREFIX = 'runner-fleet.io/';

/** sha256 (hex) of one Secret data value as the API server stores it (base64). */
export function dataHash(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The per-key hashes of a Secret's data: from a trimmed copy, or computed from a full one. */
export function secretDataHashes(secret: KubeObject): Record<string, string> {
  const kept = secret[DATA_HASHES] as Record<string, string> | undefined;
  if (kept) return kept;
  const data = (secret.data ?? {}) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key, dataHash(value)]),
  );
}

/** Whether a live Secret (trimmed or full) holds exactly the rendered Secret's data. */
export function sameSecretData(
  live: KubeObject,
  rendered: KubeObject,
): boolean {
  const a = secretDataHashes(live);
  const b = secretDataHashes(rendered);
  const keys = Object.keys(b);
  return (
    Object.keys(a).length === keys.length && keys.every(k => a[k] === b[k])
  );
}

function trimMetadata(metadata: object = {}): TrimmedMetadata {
  const m = metadata as Partial<TrimmedMetadata>;
  const out: TrimmedMetadata = { name: m.name ?? '', labels: m.labels ?? {} };
  if (m.namespace) out.namespace = m.namespace;
  if (m.uid) out.uid = m.uid;
  if (m.resourceVersion) out.resourceVersion = m.resourceVersion;
  // Only runner-fleet's own annotations are read; KubeVirt's and kubectl's are dropped.
  const ours = Object.entries(m.annotations ?? {}).filter(([k]) =>
    k.startsWith(OWN_PREFIX),
  );
  if (ours.length) out.annotations = Object.fromEntries(ours);
  if (m.ownerReferences) out.ownerReferences = m.ownerReferences;
  if (m.deletionTimestamp) out.deletionTimestamp = m.deletionTimestamp;
  if (m.creationTimestamp) out.creationTimestamp = m.creationTimestamp;
  return out;
}

/** A Secret without its values: metadata, type and {@link DATA_HASHES}. */
export function trimSecret(object: Raw): KubeObject {
  const full = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: trimMetadata(object.metadata),
    data: object.data,
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: full.metadata,
    type: object.type,
    [DATA_HASHES]: secretDataHashes(full),
  };
}

type Conditions = Array<Record<string, unknown>> | undefined;

/** Conditions with the fields read (type, status, reason, message, lastTransitionTime). */
function trimConditions(conditions: unknown) {
  return (conditions as Conditions)?.map(c => ({
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
    lastTransitionTime: c.lastTransitionTime,
  }));
}

/** Only the listed fields of `from` that are set. */
function pick(
  from: unknown,
  keys: string[],
): Record<string, unknown> | undefined {
  if (!from || typeof from !== 'object') return undefined;
  const source = from as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (source[key] === undefined) continue;
    out[key] = key === 'conditions' ? trimConditions(source[key]) : source[key];
  }
  return out;
}

/**
 * A VMI with what the rollout, the sweeper and the health view read of it: metadata, the phase
 * and conditions, and the firmware UUID (a Windows VM's runner identity).
 */
export function trimVmi(object: Raw): KubeObject {
  const spec = object.spec as
    | { domain?: { firmware?: { uuid?: string } } }
    | undefined;
  const uuid = spec?.domain?.firmware?.uuid;
  return {
    apiVersion: object.apiVersion ?? 'kubevirt.io/v1',
    kind: object.kind ?? 'VirtualMachineInstance',
    metadata: trimMetadata(object.metadata),
    ...(uuid ? { spec: { domain: { firmware: { uuid } } } } : {}),
    status: pick(object.status, ['phase', 'nodeName', 'conditions']),
  };
}

/** A workload (VMIRS, VirtualMachinePool): replicas wanted, replicas there, conditions. */
export function trimWorkload(object: Raw): KubeObject {
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    metadata: trimMetadata(object.metadata),
    spec: pick(object.spec, ['replicas']),
    status: pick(object.status, ['replicas', 'readyReplicas', 'conditions']),
  };
}

/** Any other watched kind (VM, DataVolume, ScaledObject): metadata and a status subset. */
export function trimStatus(object: Raw): KubeObject {
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    metadata: trimMetadata(object.metadata),
    status: pick(object.status, [
      'phase',
      'progress',
      'printableStatus',
      'ready',
      'conditions',
      'lastActiveTime',
    ]),
  };
}

/**
 * Any other kind the reconciler renders: kept whole but for managedFields (the largest part of
 * a server-side-applied object, and read by nothing here).
 */
export function trimRendered(object: Raw): KubeObject {
  const {
    managedFields: _managed,
    generateName: _g,
    ...metadata
  } = (object.metadata ?? {}) as Record<string, unknown>;
  return {
    ...object,
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    metadata: {
      ...(metadata as unknown as TrimmedMetadata),
      labels: (metadata.labels as Record<string, string>) ?? {},
    },
  };
}
