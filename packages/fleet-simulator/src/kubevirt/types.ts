import { DataVolumeSpec } from '../cdi/types';
import { Condition, KubeObject, LabelSelector } from '../kube/objects';

/** A VMI volume; only the sources the simulator reads are typed. */
export interface Volume {
  name: string;
  cloudInitNoCloud?: CloudInitSource;
  cloudInitConfigDrive?: CloudInitSource;
  sysprep?: { secret?: { name: string }; configMap?: { name: string } };
  dataVolume?: { name: string };
  persistentVolumeClaim?: { claimName: string };
  containerDisk?: { image: string };
  secret?: { secretName: string };
  [other: string]: unknown;
}

/** `cloudInitNoCloud` / `cloudInitConfigDrive`. */
export interface CloudInitSource {
  secretRef?: { name: string };
  userData?: string;
  userDataBase64?: string;
}

/** `VirtualMachineInstanceSpec`, the fields used here. */
export interface VmiSpec {
  volumes?: Volume[];
  terminationGracePeriodSeconds?: number;
  domain?: {
    features?: { hyperv?: unknown };
    /** `firmware.uuid` is the guest's SMBIOS system UUID. */
    firmware?: { uuid?: string; [other: string]: unknown };
    [other: string]: unknown;
  };
  [other: string]: unknown;
}

/** A VMI template of a replica set or VM. */
export interface VmiTemplate {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: VmiSpec;
}

/** Status of a VMIRS or VirtualMachinePool (both scale through `.status.replicas`). */
export interface ReplicaStatus {
  replicas?: number;
  readyReplicas?: number;
  labelSelector?: string;
  conditions?: Condition[];
}

export interface VmirsObject extends KubeObject {
  spec: {
    replicas?: number;
    selector?: LabelSelector;
    paused?: boolean;
    template: VmiTemplate;
  };
  status?: ReplicaStatus;
}

export type VmiPhase =
  | ''
  | 'Pending'
  | 'Scheduling'
  | 'Scheduled'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Unknown';

export interface VmiStatus {
  phase?: VmiPhase;
  reason?: string;
  nodeName?: string;
  conditions?: Condition[];
  phaseTransitionTimestamps?: Array<{
    phase: string;
    phaseTransitionTimestamp: string;
  }>;
  [other: string]: unknown;
}

export interface VmiObject extends KubeObject {
  spec: VmiSpec;
  status?: VmiStatus;
}

/** A `dataVolumeTemplates` entry of a VM. */
export interface DataVolumeTemplate {
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: DataVolumeSpec;
}

export interface VmSpec {
  running?: boolean;
  runStrategy?: string;
  dataVolumeTemplates?: DataVolumeTemplate[];
  template: VmiTemplate;
  [other: string]: unknown;
}

export interface VmObject extends KubeObject {
  spec: VmSpec;
  status?: {
    printableStatus?: string;
    ready?: boolean;
    created?: boolean;
    conditions?: Condition[];
    [other: string]: unknown;
  };
}

export interface PoolObject extends KubeObject {
  spec: {
    replicas?: number;
    selector?: LabelSelector;
    paused?: boolean;
    virtualMachineTemplate: {
      metadata?: {
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      };
      spec: VmSpec;
    };
    nameGeneration?: {
      appendIndexToSecretRefs?: boolean;
      appendIndexToConfigMapRefs?: boolean;
    };
  };
  status?: ReplicaStatus;
}

/** The finalizer virt-controller puts on every VMI; removed once the guest has shut down. */
export const VMI_FINALIZER = 'foregroundDeleteVirtualMachine';

/** Whether a VMI phase is final (the VMI will never run again). */
export function isFinal(vmi: VmiObject): boolean {
  const phase = vmi.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Whether a VMI reports Ready. */
export function isReady(vmi: VmiObject): boolean {
  return (
    vmi.status?.phase === 'Running' &&
    (vmi.status.conditions ?? []).some(
      c => c.type === 'Ready' && c.status === 'True',
    )
  );
}

/** Linux or Windows, from what KubeVirt's Windows templates set (sysprep, Hyper-V, OS label). */
export function guestOs(vmi: {
  metadata: KubeObject['metadata'];
  spec: VmiSpec;
}): 'linux' | 'windows' {
  const os =
    vmi.metadata.labels?.['kubevirt.io/os'] ??
    vmi.metadata.annotations?.['vm.kubevirt.io/os'] ??
    '';
  if (os.startsWith('win')) return 'windows';
  if ((vmi.spec.volumes ?? []).some(v => v.sysprep)) return 'windows';
  return vmi.spec.domain?.features?.hyperv ? 'windows' : 'linux';
}
