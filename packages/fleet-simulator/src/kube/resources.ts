/** A custom resource type the simulator watches or writes. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** Cluster-scoped resources have no namespace. */
  clusterScoped?: boolean;
}

/** `apiVersion` of a resource type. */
export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** The collection path for list and watch, in one namespace or across all. */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const base = type.group
    ? `/apis/${type.group}/${type.version}`
    : `/api/${type.version}`;
  return namespace && !type.clusterScoped
    ? `${base}/namespaces/${namespace}/${type.plural}`
    : `${base}/${type.plural}`;
}

export const VMIRS: ResourceType = {
  group: 'kubevirt.io',
  version: 'v1',
  plural: 'virtualmachineinstancereplicasets',
  kind: 'VirtualMachineInstanceReplicaSet',
};

export const VMI: ResourceType = {
  group: 'kubevirt.io',
  version: 'v1',
  plural: 'virtualmachineinstances',
  kind: 'VirtualMachineInstance',
};

export const VM: ResourceType = {
  group: 'kubevirt.io',
  version: 'v1',
  plural: 'virtualmachines',
  kind: 'VirtualMachine',
};

/** Storage version since KubeVirt 1.7; v1alpha1 is still served with the same schema. */
export const VM_POOL: ResourceType = {
  group: 'pool.kubevirt.io',
  version: 'v1beta1',
  plural: 'virtualmachinepools',
  kind: 'VirtualMachinePool',
};

export const DATA_VOLUME: ResourceType = {
  group: 'cdi.kubevirt.io',
  version: 'v1beta1',
  plural: 'datavolumes',
  kind: 'DataVolume',
};

export const DATA_SOURCE: ResourceType = {
  group: 'cdi.kubevirt.io',
  version: 'v1beta1',
  plural: 'datasources',
  kind: 'DataSource',
};

export const SCALED_OBJECT: ResourceType = {
  group: 'keda.sh',
  version: 'v1alpha1',
  plural: 'scaledobjects',
  kind: 'ScaledObject',
};

export const TRIGGER_AUTHENTICATION: ResourceType = {
  group: 'keda.sh',
  version: 'v1alpha1',
  plural: 'triggerauthentications',
  kind: 'TriggerAuthentication',
};

export const CLUSTER_TRIGGER_AUTHENTICATION: ResourceType = {
  group: 'keda.sh',
  version: 'v1alpha1',
  plural: 'clustertriggerauthentications',
  kind: 'ClusterTriggerAuthentication',
  clusterScoped: true,
};

/** Core PersistentVolumeClaims (CDI's clone targets). */
export const PVC: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'persistentvolumeclaims',
  kind: 'PersistentVolumeClaim',
};

/** Scale targets a ScaledObject may name, by `apiVersion` group and kind. */
export const SCALABLE_TYPES: ResourceType[] = [VMIRS, VM_POOL];

/** Finds the scalable type for a `scaleTargetRef`. Accepts any served version of the group. */
export function scalableType(
  apiVersion: string | undefined,
  kind: string | undefined,
): ResourceType | undefined {
  const group = (apiVersion ?? 'apps/v1').split('/')[0];
  return SCALABLE_TYPES.find(
    t => t.kind === (kind ?? 'Deployment') && t.group === group,
  );
}
