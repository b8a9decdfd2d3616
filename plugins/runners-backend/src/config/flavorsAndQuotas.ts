import { Config } from '@backstage/config';
import {
  costWeightOf,
  DEFAULT_FLAVOR_CATALOG,
  defaultJobSlots,
  Flavor,
  FlavorCatalog,
  Quota,
  RunnerOs,
} from '@runner-fleet/plugin-runners-common';
import { fail, optionalInt, positiveInt, wholeNumber } from './configValues';

function readFlavors(config: Config): Flavor[] {
  const list = config.getOptionalConfigArray('flavors');
  const raw: Array<
    Omit<Flavor, 'jobSlots' | 'costWeight'> &
      Partial<Pick<Flavor, 'jobSlots' | 'costWeight'>>
  > = list
    ? list.map((f, i) => {
        const key = `flavors[${i}]`;
        const os = f.getString('os');
        if (os !== 'linux' && os !== 'windows') {
          fail(`${key}.os`, `must be 'linux' or 'windows', got '${os}'`);
        }
        return {
          name: f.getString('name'),
          description: f.getOptionalString('description'),
          os: os as RunnerOs,
          cpu: positiveInt(f, 'cpu', 0, `${key}.`),
          memoryGiB: positiveInt(f, 'memoryGiB', 0, `${key}.`),
          diskGiB: positiveInt(f, 'diskGiB', 0, `${key}.`),
          image: f.getString('image'),
          jobSlots: f.getOptionalNumber('jobSlots'),
          costWeight: f.getOptionalNumber('costWeight'),
        };
      })
    : DEFAULT_FLAVOR_CATALOG.flavors;
  const seen = new Set<string>();
  return raw.map((f, i) => {
    if (seen.has(f.name))
      fail(`flavors[${i}].name`, `'${f.name}' is defined twice`);
    seen.add(f.name);
    if (f.cpu < 1 || f.memoryGiB < 1)
      fail(`flavors[${i}]`, 'cpu and memoryGiB must be at least 1');
    if (f.os === 'windows' && !/^[a-z0-9-]+\/[a-z0-9-.]+$/.test(f.image)) {
      fail(
        `flavors[${i}].image`,
        `a Windows flavor's image is the golden image DataSource as '<namespace>/<name>', got '${f.image}'`,
      );
    }
    return {
      ...f,
      jobSlots: f.jobSlots ?? defaultJobSlots(f.cpu),
      costWeight: f.costWeight ?? costWeightOf(f),
    };
  });
}

/** Reads `runners.flavors` and `runners.customFlavors`; defaults from `DEFAULT_FLAVOR_CATALOG`. */
export function readCatalog(config: Config): FlavorCatalog {
  const flavors = readFlavors(config);
  const c = config.getOptionalConfig('customFlavors');
  const p = 'customFlavors.';
  const firstImage = (os: RunnerOs, fallback: string) =>
    flavors.find(f => f.os === os)?.image ?? fallback;
  const d = DEFAULT_FLAVOR_CATALOG.custom;
  const int = (key: keyof typeof d & string, fallback: number) =>
    optionalInt(c, key, fallback, p);
  return {
    flavors,
    custom: {
      enabled: c?.getOptionalBoolean('enabled') ?? d.enabled,
      minCpu: int('minCpu', d.minCpu),
      maxCpu: int('maxCpu', d.maxCpu),
      minMemoryGiB: int('minMemoryGiB', d.minMemoryGiB),
      maxMemoryGiB: int('maxMemoryGiB', d.maxMemoryGiB),
      maxDiskGiB: int('maxDiskGiB', d.maxDiskGiB),
      approvalAboveCpu: int('approvalAboveCpu', d.approvalAboveCpu),
      approvalAboveMemoryGiB: int(
        'approvalAboveMemoryGiB',
        d.approvalAboveMemoryGiB,
      ),
      images: {
        linux:
          c?.getOptionalString('images.linux') ??
          firstImage('linux', d.images.linux),
        windows:
          c?.getOptionalString('images.windows') ??
          firstImage('windows', d.images.windows),
      },
    },
  };
}

/** Clone storage per team when not configured: ten 160 GiB Windows VMs and some room. */
export const DEFAULT_MAX_STORAGE_GIB = 2048;

/** Reads one quota (`quotas.default` or `quotas.teams.<team>`), defaulting field by field. */
export function readQuota(
  config: Config | undefined,
  fallback: Quota,
  prefix: string,
): Quota {
  if (!config) return fallback;
  return {
    // 0 is a valid quota: the team may not have pools (of that size).
    maxCpu: wholeNumber(config, 'maxCpu', fallback.maxCpu, prefix, 0),
    maxMemoryGiB: wholeNumber(
      config,
      'maxMemoryGiB',
      fallback.maxMemoryGiB,
      prefix,
      0,
    ),
    maxPools: wholeNumber(config, 'maxPools', fallback.maxPools, prefix, 0),
    maxStorageGiB: wholeNumber(
      config,
      'maxStorageGiB',
      fallback.maxStorageGiB ?? DEFAULT_MAX_STORAGE_GIB,
      prefix,
      0,
    ),
  };
}
