import { RunnerOs } from '@runner-fleet/plugin-runners-common';
import { ClusterClient } from '../ClusterClient';
import { KubeObject } from '../render';
import { replaceRunnerVm } from '../replaceRunnerVm';

/**
 * Replaces one VM of a pool: afterwards the VM's guest shuts down gracefully (gitlab-runner
 * gets SIGQUIT and finishes its jobs within the grace period) and the pool's workload brings up
 * a VM from its current template.
 */
export type ReplaceVm = (
  cluster: ClusterClient,
  vmi: KubeObject,
) => Promise<void>;

const replaceFor =
  (os: RunnerOs): ReplaceVm =>
  async (cluster, vmi) => {
    await replaceRunnerVm(
      cluster,
      os,
      vmi.metadata.namespace ?? '',
      vmi.metadata.name,
    );
  };

/**
 * The replace hook per guest OS (see `replaceRunnerVm`: Linux deletes the VMI, which the VMIRS
 * replaces at once from the new template; Windows deletes the VirtualMachine so the pool clones
 * a fresh disk). Replicas are never written, so KEDA keeps owning them; the rollout itself does
 * not care which OS it rolls.
 */
export const REPLACE_VM: Record<RunnerOs, ReplaceVm> = {
  linux: replaceFor('linux'),
  windows: replaceFor('windows'),
};
