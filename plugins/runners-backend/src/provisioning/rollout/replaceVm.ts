import { ClusterClient } from '../ClusterClient';
import { KubeObject } from '../render';

/**
 * Replaces one VM of a pool: afterwards the VM's guest shuts down gracefully (gitlab-runner
 * gets SIGQUIT and finishes its jobs within the grace period) and the pool's workload brings up
 * a VM from its current template.
 */
export type ReplaceVm = (
  cluster: ClusterClient,
  vmi: KubeObject,
) => Promise<void>;

/**
 * Linux: delete the VMI. The VMIRS counts a terminating VMI as gone (KubeVirt's
 * `filterActiveVMIs` skips VMIs with a deletion timestamp) and creates its replacement from the
 * new template at once, while the old guest drains: replicas are never written, so KEDA keeps
 * owning them.
 */
export const replaceLinuxVm: ReplaceVm = async (cluster, vmi) => {
  await cluster.delete({
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { namespace: vmi.metadata.namespace, name: vmi.metadata.name },
  });
};

/**
 * Windows: for now also the VMI (its VirtualMachine restarts it from the pool's current VM
 * template). A Windows VM's disk is its own CDI clone of the golden image, so a new golden image
 * needs the VM deleted and cloned afresh; that hook belongs with the Windows workload and
 * replaces this one.
 */
export const replaceWindowsVm: ReplaceVm = replaceLinuxVm;

/** The replace hook per guest OS; the rollout itself does not care which OS it rolls. */
export const REPLACE_VM: Record<'linux' | 'windows', ReplaceVm> = {
  linux: replaceLinuxVm,
  windows: replaceWindowsVm,
};
