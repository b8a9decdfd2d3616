import { Condition, KubeObject } from '../kube/objects';

/** Storage request of a DataVolume (`spec.storage` or the older `spec.pvc`). */
export interface StorageSpec {
  accessModes?: string[];
  volumeMode?: string;
  storageClassName?: string;
  resources?: { requests?: { storage?: string } };
}

/** `DataVolumeSpec`, the fields used here. */
export interface DataVolumeSpec {
  source?: {
    pvc?: { namespace?: string; name: string };
    blank?: Record<string, never>;
    http?: { url: string };
    registry?: { url?: string };
    [other: string]: unknown;
  };
  sourceRef?: { kind: string; namespace?: string; name: string };
  storage?: StorageSpec;
  pvc?: StorageSpec;
  [other: string]: unknown;
}

export type DataVolumePhase =
  | 'Pending'
  | 'PVCBound'
  | 'CloneScheduled'
  | 'CloneInProgress'
  | 'ImportScheduled'
  | 'ImportInProgress'
  | 'Succeeded'
  | 'Failed';

export interface DataVolumeObject extends KubeObject {
  spec: DataVolumeSpec;
  status?: {
    phase?: DataVolumePhase;
    progress?: string;
    claimName?: string;
    conditions?: Condition[];
  };
}

export interface DataSourceObject extends KubeObject {
  spec: {
    source?: {
      pvc?: { namespace?: string; name: string };
      snapshot?: { namespace?: string; name: string };
      dataSource?: { namespace?: string; name: string };
    };
  };
  status?: { conditions?: Condition[]; source?: unknown };
}

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** Bytes of a Kubernetes quantity (`80Gi`, `500M`, `1e9`); undefined when unparseable. */
export function parseQuantity(
  quantity: string | undefined,
): number | undefined {
  if (!quantity) return undefined;
  const match = /^([0-9.]+(?:[eE][0-9]+)?)([kMGTP]i?)?$/.exec(quantity.trim());
  if (!match) return undefined;
  const unit = UNITS[match[2] ?? ''];
  const value = Number(match[1]);
  return unit === undefined || Number.isNaN(value) ? undefined : value * unit;
}
