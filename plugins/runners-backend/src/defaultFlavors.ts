import { Flavor } from '@runner-fleet/plugin-runners-common';

export const LINUX_IMAGE = 'quay.io/runner-fleet/gitlab-runner-vm:17.11';
export const WINDOWS_IMAGE = 'runner-fleet-images/windows-2022-golden';

/** The standard flavors from the design, used when `runners.flavors` is not configured. */
export const DEFAULT_FLAVORS: Array<
  Omit<Flavor, 'jobSlots' | 'costWeight'> & {
    jobSlots?: number;
    costWeight?: number;
  }
> = [
  {
    name: 'm1.large',
    description: 'General builds and tests',
    os: 'linux',
    cpu: 4,
    memoryGiB: 6,
    diskGiB: 80,
    image: LINUX_IMAGE,
  },
  {
    name: 'm1.xlarge',
    description: 'Heavier builds, Docker-in-Docker',
    os: 'linux',
    cpu: 8,
    memoryGiB: 16,
    diskGiB: 160,
    image: LINUX_IMAGE,
  },
  {
    name: 'm1.xxlarge',
    description: 'Large monorepo and mobile builds',
    os: 'linux',
    cpu: 16,
    memoryGiB: 30,
    diskGiB: 160,
    image: LINUX_IMAGE,
  },
  {
    name: 'win.xlarge',
    description: 'Windows builds (.NET, MSVC)',
    os: 'windows',
    cpu: 8,
    memoryGiB: 16,
    diskGiB: 160,
    image: WINDOWS_IMAGE,
    jobSlots: 2,
  },
];
