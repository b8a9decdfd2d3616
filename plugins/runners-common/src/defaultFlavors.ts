import { costWeightOf, defaultJobSlots, FlavorCatalog } from './flavors';
import { Flavor } from './types';

/** The runner VM image of the standard Linux flavors. @public */
export const DEFAULT_LINUX_IMAGE =
  'quay.io/runner-fleet/gitlab-runner-vm:17.11';

/** The golden image DataSource (`<namespace>/<name>`) of the standard Windows flavor. @public */
export const DEFAULT_WINDOWS_IMAGE = 'runner-fleet-images/windows-2022-golden';

function flavor(
  f: Omit<Flavor, 'jobSlots' | 'costWeight'> & { jobSlots?: number },
): Flavor {
  return {
    ...f,
    jobSlots: f.jobSlots ?? defaultJobSlots(f.cpu),
    costWeight: costWeightOf(f),
  };
}

/**
 * The standard catalog from the design, which the backend serves when `runners.flavors` and
 * `runners.customFlavors` are not configured: m1.large, m1.xlarge, m1.xxlarge and win.xlarge,
 * custom shapes up to 32 vCPU / 128 GiB, approval above 16 vCPU / 32 GiB. The one place these
 * numbers are written; tests and examples use it too.
 *
 * @public
 */
export const DEFAULT_FLAVOR_CATALOG: FlavorCatalog = {
  flavors: [
    flavor({
      name: 'm1.large',
      description: 'General builds and tests',
      os: 'linux',
      cpu: 4,
      memoryGiB: 6,
      diskGiB: 80,
      image: DEFAULT_LINUX_IMAGE,
    }),
    flavor({
      name: 'm1.xlarge',
      description: 'Heavier builds, Docker-in-Docker',
      os: 'linux',
      cpu: 8,
      memoryGiB: 16,
      diskGiB: 160,
      image: DEFAULT_LINUX_IMAGE,
    }),
    flavor({
      name: 'm1.xxlarge',
      description: 'Large monorepo and mobile builds',
      os: 'linux',
      cpu: 16,
      memoryGiB: 30,
      diskGiB: 160,
      image: DEFAULT_LINUX_IMAGE,
    }),
    flavor({
      name: 'win.xlarge',
      description: 'Windows builds (.NET, MSVC)',
      os: 'windows',
      cpu: 8,
      memoryGiB: 16,
      diskGiB: 160,
      image: DEFAULT_WINDOWS_IMAGE,
      // Windows jobs need more of the VM per job than Linux ones (one per 4 vCPU).
      jobSlots: 2,
    }),
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
    images: { linux: DEFAULT_LINUX_IMAGE, windows: DEFAULT_WINDOWS_IMAGE },
  },
};
