/**
 * Test data for the runners plugins: a flavor catalog and pool specs. Not for runtime code.
 *
 * @packageDocumentation
 */

// Types through the package's main entry point, so the API report of this entry point links
// to them instead of inlining copies.
import type {
  FlavorCatalog,
  PoolSpec,
} from '@runner-fleet/plugin-runners-common';

/**
 * The standard catalog from the design (m1.large, m1.xlarge, m1.xxlarge, win.xlarge) with
 * custom shapes up to 32 vCPU / 128 GiB, approval above 16 vCPU / 32 GiB. For tests and examples.
 */
export const EXAMPLE_FLAVOR_CATALOG: FlavorCatalog = {
  flavors: [
    {
      name: 'm1.large',
      os: 'linux',
      cpu: 4,
      memoryGiB: 6,
      diskGiB: 80,
      image: 'quay.io/runner-fleet/gitlab-runner-vm:16.11',
      jobSlots: 2,
      costWeight: 1,
    },
    {
      name: 'm1.xlarge',
      os: 'linux',
      cpu: 8,
      memoryGiB: 16,
      diskGiB: 160,
      image: 'quay.io/runner-fleet/gitlab-runner-vm:16.11',
      jobSlots: 4,
      costWeight: 2.33,
    },
    {
      name: 'm1.xxlarge',
      os: 'linux',
      cpu: 16,
      memoryGiB: 30,
      diskGiB: 160,
      image: 'quay.io/runner-fleet/gitlab-runner-vm:16.11',
      jobSlots: 8,
      costWeight: 4.5,
    },
    {
      name: 'win.xlarge',
      os: 'windows',
      cpu: 8,
      memoryGiB: 16,
      diskGiB: 160,
      image: 'runner-fleet-images/windows-2022-golden',
      jobSlots: 2,
      costWeight: 3.5,
    },
  ],
  custom: {
    enabled: true,
    minCpu: 2,
    maxCpu: 32,
    minMemoryGiB: 2,
    maxMemoryGiB: 128,
    maxDiskGiB: 500,
    approvalAboveCpu: 16,
    approvalAboveMemoryGiB: 32,
    images: {
      linux: 'quay.io/runner-fleet/gitlab-runner-vm:16.11',
      windows: 'runner-fleet-images/windows-2022-golden',
    },
  },
};

/** A valid Linux pool spec for the payments team; override what a test is about. */
export function examplePoolSpec(overrides: Partial<PoolSpec> = {}): PoolSpec {
  return {
    team: 'payments',
    name: 'builds',
    flavor: 'm1.large',
    autoscaling: {
      minReplicas: 1,
      maxReplicas: 5,
      targetUtilization: 0.3,
      scaleToZero: false,
      burst: false,
    },
    gitlab: {
      scope: { type: 'group', path: 'engineering/payments' },
      tags: ['linux', 'docker'],
      runUntagged: false,
    },
    ...overrides,
  };
}
