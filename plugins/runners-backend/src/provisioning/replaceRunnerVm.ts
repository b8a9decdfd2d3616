import { RunnerOs } from '@runner-fleet/plugin-runners-common';
import { ClusterClient, ObjectRef } from './ClusterClient';

/**
 * What to delete so that one runner VM is replaced by a fresh one built from the current
 * template, per guest OS:
 *
 * - **Linux** (VirtualMachineInstanceReplicaSet): the VMI. Its boot disk is a containerDisk
 *   (ephemeral) and cloud-init runs on every boot, so the replica set's new VMI starts clean with
 *   the current template, config and token.
 * - **Windows** (VirtualMachinePool): the VirtualMachine, never only its VMI. Deleting the VMI
 *   would restart the VM on its already-specialised clone: Windows runs the sysprep specialize
 *   pass (which writes config.toml and the token) once per disk, so a new config or a reset token
 *   would never reach it. Deleting the VM with foreground propagation keeps its name taken until
 *   its VMI has drained (grace period) and its DataVolume is gone; only then does the pool create
 *   a VM of that index again, from the current template with a fresh clone of the golden image.
 *
 * @param vmiName - the VMI's name; a pool's VM has the same name as its VMI.
 */
export function runnerVmReplacement(
  os: RunnerOs,
  namespace: string,
  vmiName: string,
): { ref: ObjectRef; propagation: 'Background' | 'Foreground' } {
  const metadata = { namespace, name: vmiName };
  if (os === 'windows') {
    return {
      ref: { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata },
      propagation: 'Foreground',
    };
  }
  return {
    ref: {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata,
    },
    propagation: 'Background',
  };
}

/**
 * Replaces one runner VM with a fresh one (see {@link runnerVmReplacement}); the running job, if
 * any, drains through the guest's graceful shutdown within the VMI's grace period. For the ghost
 * sweeper and the rollout. Returns false when the VM was already gone.
 */
export async function replaceRunnerVm(
  cluster: Pick<ClusterClient, 'delete'>,
  os: RunnerOs,
  namespace: string,
  vmiName: string,
): Promise<boolean> {
  const { ref, propagation } = runnerVmReplacement(os, namespace, vmiName);
  return cluster.delete(ref, { propagation });
}
