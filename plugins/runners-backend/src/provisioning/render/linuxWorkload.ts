import { LABELS } from '@runner-fleet/plugin-runners-common';
import { DOCKER_DISK_SERIAL } from './cloudInit';
import {
  poolLabels,
  vmTemplateLabels,
  withTemplateHash,
  workloadSelector,
} from './labels';
import { JOB_DRAIN_SECONDS, RenderContext } from './names';
import { ClusterRole, KubeObject } from './types';

/**
 * The VMI spec of a Linux runner: the flavor's vCPU and memory, the runner image as a
 * containerDisk (VMIRS replicas cannot have per-VM persistent disks), a flavor-sized scratch
 * disk for Docker, the cloud-init Secret, and the pod network with masquerade.
 *
 * `resources.requests.cpu` is the full vCPU count: without it KubeVirt requests only
 * cores / cpuAllocationRatio, which would let CI VMs overcommit nodes and make the team
 * ResourceQuota meaningless.
 */
export function linuxVmiSpec(ctx: RenderContext): Record<string, unknown> {
  const { flavor } = ctx.input;
  return {
    terminationGracePeriodSeconds: JOB_DRAIN_SECONDS,
    domain: {
      cpu: { cores: flavor.cpu },
      memory: { guest: `${flavor.memoryGiB}Gi` },
      // ephemeral-storage: the scratch disk (emptyDisk) is a file in the virt-launcher pod's
      // node-local storage; requested so the scheduler places the VM where it fits and kubelet
      // does not evict it under disk pressure (KubeVirt adds 50M of its own).
      resources: {
        requests: {
          cpu: `${flavor.cpu}`,
          'ephemeral-storage': `${flavor.diskGiB}Gi`,
        },
      },
      devices: {
        disks: [
          { name: 'rootdisk', disk: { bus: 'virtio' }, bootOrder: 1 },
          { name: 'cloudinitdisk', disk: { bus: 'virtio' } },
          {
            name: 'docker',
            disk: { bus: 'virtio' },
            serial: DOCKER_DISK_SERIAL,
          },
        ],
        interfaces: [{ name: 'default', masquerade: {} }],
      },
    },
    networks: [{ name: 'default', pod: {} }],
    volumes: [
      { name: 'rootdisk', containerDisk: { image: flavor.image } },
      {
        name: 'cloudinitdisk',
        cloudInitNoCloud: { secretRef: { name: ctx.names.cloudInitSecret } },
      },
      { name: 'docker', emptyDisk: { capacity: `${flavor.diskGiB}Gi` } },
    ],
  };
}

/**
 * The `VirtualMachineInstanceReplicaSet` of a Linux pool: `rf-<pool>` for the primary,
 * `rf-<pool>-burst` on a burst cluster, selecting only its own role so the two never overlap.
 *
 * `spec.replicas` is deliberately absent. KEDA's HPA owns it through the scale subresource; with
 * server-side apply, a field we never send is a field we never own, so the reconciler cannot
 * reset a scaled pool on its next apply (nor conflict with the HPA's field manager). KubeVirt
 * starts a new VMIRS at 1 replica and KEDA moves it to its bounds within one polling interval
 * (to 0 after `cooldownPeriod` for scale-to-zero pools).
 *
 * @param bootSecretHash - template hash of the cloud-init Secret; part of the VM template hash so
 *   that a new config.toml or token marks running VMs as outdated.
 */
export function renderLinuxWorkload(
  ctx: RenderContext,
  role: ClusterRole,
  bootSecretHash: string,
): KubeObject {
  const spec = linuxVmiSpec(ctx);
  const templateLabels = vmTemplateLabels(ctx, role, { spec, bootSecretHash });
  return withTemplateHash({
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstanceReplicaSet',
    metadata: {
      name: role === 'burst' ? ctx.names.burstWorkload : ctx.names.workload,
      namespace: ctx.namespace,
      labels: { ...poolLabels(ctx.input), [LABELS.role]: role },
    },
    spec: {
      selector: { matchLabels: workloadSelector(ctx.input, role) },
      template: { metadata: { labels: templateLabels }, spec },
    },
  });
}
