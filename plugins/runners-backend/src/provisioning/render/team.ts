import { Quota } from '@runner-fleet/plugin-runners-common';
import { teamLabels, withTemplateHash } from './labels';
import { TEAM_QUOTA_NAME } from './names';
import { KubeObject } from './types';

/**
 * What a runner VM asks the scheduler for beyond its guest vCPU and memory, used to size the team
 * ResourceQuota. The memory terms mirror KubeVirt's `GetMemoryOverhead`
 * (pkg/virt-controller/services/renderresources.go): virt-launcher-monitor 25Mi, virt-launcher
 * 100Mi, virtlogd 25Mi, virtqemud 40Mi, qemu 30Mi, IOThread 8Mi, video RAM 32Mi (graphics stay
 * attached for the Windows console), 8Mi per vCPU, and page tables at 1/512 of guest memory; plus
 * 60Mi and 100m CPU per VM for helper containers (containerDisk, console log) and CDI clone pods.
 *
 * @public
 */
export const VM_OVERHEAD = {
  perVmMemoryMiB: 25 + 100 + 25 + 40 + 30 + 8 + 32 + 60,
  perVcpuMemoryMiB: 8,
  pageTableDivisor: 512,
  perVmCpuMilli: 100,
  /**
   * The smallest VM the product creates (custom flavors start at 2 vCPU), which bounds how many
   * VMs, and so how many fixed overheads, a team's vCPU quota can hold.
   */
  minVcpuPerVm: 2,
} as const;

/**
 * The ResourceQuota `hard` requests for a team quota: the quota itself (the guest vCPU and
 * memory its pools reserve) plus the KubeVirt overhead of the most VMs that quota can hold, so
 * the backend's quota check, not the ResourceQuota, is what a team meets first. The ResourceQuota
 * is a backstop against anything that slips past the backend.
 */
export function quotaRequests(quota: Quota): {
  cpuMilli: number;
  memoryMiB: number;
} {
  const maxVms = Math.ceil(quota.maxCpu / VM_OVERHEAD.minVcpuPerVm);
  const guestMiB = quota.maxMemoryGiB * 1024;
  return {
    cpuMilli: quota.maxCpu * 1000 + maxVms * VM_OVERHEAD.perVmCpuMilli,
    memoryMiB:
      guestMiB +
      Math.ceil(guestMiB / VM_OVERHEAD.pageTableDivisor) +
      quota.maxCpu * VM_OVERHEAD.perVcpuMemoryMiB +
      maxVms * VM_OVERHEAD.perVmMemoryMiB,
  };
}

/** The team namespace. Shared by the team's pools: no pool or flavor label. */
export function renderNamespace(team: string, namespace: string): KubeObject {
  return withTemplateHash({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace, labels: teamLabels(team) },
  });
}

/**
 * The team's ResourceQuota. Rendered on the primary cluster only: burst capacity is the
 * platform's overflow and is not charged to the team (see `poolReservation`), and is bounded
 * per pool by `burstMaxReplicas` instead.
 */
export function renderResourceQuota(
  team: string,
  namespace: string,
  quota: Quota,
): KubeObject {
  const { cpuMilli, memoryMiB } = quotaRequests(quota);
  return withTemplateHash({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: {
      name: TEAM_QUOTA_NAME,
      namespace,
      labels: teamLabels(team),
      annotations: {
        'runner-fleet.io/quota': `${quota.maxCpu} vCPU, ${
          quota.maxMemoryGiB
        } GiB guest memory${
          quota.maxStorageGiB !== undefined
            ? `, ${quota.maxStorageGiB} GiB clone storage`
            : ''
        }; the rest is KubeVirt per-VM overhead`,
      },
    },
    spec: {
      hard: {
        'requests.cpu': `${cpuMilli}m`,
        'requests.memory': `${memoryMiB}Mi`,
        // The Windows VMs' clones (persistent volume claims); CDI reports ErrExceededQuota on a
        // DataVolume whose claim would pass it.
        ...(quota.maxStorageGiB !== undefined
          ? { 'requests.storage': `${quota.maxStorageGiB}Gi` }
          : {}),
      },
    },
  });
}
