import { Config, ConfigReader } from '@backstage/config';
import {
  costWeightOf,
  DEFAULT_FLAVOR_CATALOG,
  defaultJobSlots,
  Flavor,
  FlavorCatalog,
  Quota,
  RunnerOs,
} from '@runner-fleet/plugin-runners-common';
import { readGoldenImages } from './goldenImages';
import { readRunnerNetwork } from './runnerNetwork';
import type { GuestFirmware, RunnerNetwork } from './provisioning/render';
import { PricingConfig, readPricing } from './capacity/pricing';

/** A cluster runner VMs run on. */
export interface ClusterTarget {
  name: string;
  role: 'primary' | 'burst';
  url?: string;
  authProvider: 'serviceAccount' | 'kubeconfig' | 'inCluster';
  serviceAccountToken?: string;
  kubeconfigPath?: string;
  kubeconfigContext?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify?: boolean;
  /**
   * The backend's base URL as KEDA in this cluster reaches it (a burst cluster in a public cloud
   * cannot reach an internal address); default `scalingMetrics.baseUrl`.
   */
  scalingUrl?: string;
}

/** GitLab connection settings. */
export interface GitLabSettings {
  baseUrl: string;
  token: string;
  requestsPerMinute: number;
  maxRetryWaitSeconds: number;
}

/** Autoscaling defaults applied to every pool. */
export interface AutoscalingDefaults {
  targetUtilization: number;
  pollingIntervalSeconds: number;
  scaleDownStabilizationSeconds: number;
  cooldownSeconds: number;
}

/**
 * The `runners` config, read and checked once at startup.
 *
 * @public
 */
export interface RunnersConfig {
  catalog: FlavorCatalog;
  quotas: { default: Quota; teams: Record<string, Quota> };
  clusters: ClusterTarget[];
  gitlab?: GitLabSettings;
  autoscaling: AutoscalingDefaults;
  scalingMetrics: { baseUrl: string; token?: string };
  reconcilerIntervalSeconds: number;
  /** What the plugin database keeps (`retention.*`). */
  retention: {
    eventDays: number;
    eventsPerPool: number;
    deletedPoolDays: number;
  };
  /** Reconcile passes run at once per replica (`reconciler.concurrency`). */
  reconcilerConcurrency: number;
  /** Lease on a pool being reconciled (`reconciler.leaseSeconds`). */
  reconcilerLeaseSeconds: number;
  /** Firmware per Windows golden image (`<namespace>/<name>`); unlisted images boot BIOS. */
  goldenImages: Record<string, GuestFirmware>;
  /** Where runner VMs may connect to (`runners.runnerNetwork`). */
  runnerNetwork: RunnerNetwork;
  /** Showback prices; absent when `runners.pricing` is not set. */
  pricing?: PricingConfig;
}

/**
 * Half of GitLab's default authenticated API limit (2,000 per minute per user on GitLab.com), so
 * other users of the same account keep room.
 */
export const DEFAULT_GITLAB_REQUESTS_PER_MINUTE = 1000;

function fail(key: string, message: string): never {
  throw new Error(`Invalid config at 'runners.${key}': ${message}`);
}

/** A whole number of at least `min`; the error names the key and what it got. */
function wholeNumber(
  config: Config,
  key: string,
  fallback: number,
  prefix: string,
  min: number,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min) {
    fail(
      `${prefix}${key}`,
      `must be a whole number of ${min} or more, got ${value}`,
    );
  }
  return value;
}

/** A whole number of at least 1 (sizes, intervals, limits that 0 would break). */
function positiveInt(
  config: Config,
  key: string,
  fallback: number,
  prefix: string,
): number {
  return wholeNumber(config, key, fallback, prefix, 1);
}

/** `positiveInt` of an optional config section: `fallback` when the section is absent. */
function optionalInt(
  config: Config | undefined,
  key: string,
  fallback: number,
  prefix: string,
): number {
  return config ? positiveInt(config, key, fallback, prefix) : fallback;
}

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

function readCatalog(config: Config): FlavorCatalog {
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
const DEFAULT_MAX_STORAGE_GIB = 2048;

function readQuota(
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

function readClusters(config: Config): ClusterTarget[] {
  const clusters = (config.getOptionalConfigArray('clusters') ?? []).map(
    (c, i) => {
      const key = `clusters[${i}]`;
      const role = c.getOptionalString('role') ?? 'primary';
      if (role !== 'primary' && role !== 'burst')
        fail(`${key}.role`, `must be 'primary' or 'burst', got '${role}'`);
      const authProvider = c.getString('authProvider');
      if (
        !['serviceAccount', 'kubeconfig', 'inCluster'].includes(authProvider)
      ) {
        fail(
          `${key}.authProvider`,
          `must be 'serviceAccount', 'kubeconfig' or 'inCluster', got '${authProvider}'`,
        );
      }
      const target: ClusterTarget = {
        name: c.getString('name'),
        role: role as ClusterTarget['role'],
        url: c.getOptionalString('url'),
        authProvider: authProvider as ClusterTarget['authProvider'],
        serviceAccountToken: c.getOptionalString('serviceAccountToken'),
        kubeconfigPath: c.getOptionalString('kubeconfigPath'),
        kubeconfigContext: c.getOptionalString('kubeconfigContext'),
        caData: c.getOptionalString('caData'),
        caFile: c.getOptionalString('caFile'),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify'),
        scalingUrl: c.getOptionalString('scalingUrl')?.replace(/\/+$/, ''),
      };
      if (target.scalingUrl && !/^https?:\/\/[^/\s]+/.test(target.scalingUrl)) {
        fail(
          `${key}.scalingUrl`,
          `must be an http(s) URL of the backend as KEDA in this cluster reaches it, got '${target.scalingUrl}'`,
        );
      }
      if (
        target.authProvider === 'serviceAccount' &&
        (!target.url || !target.serviceAccountToken)
      ) {
        fail(
          key,
          `authProvider 'serviceAccount' needs 'url' and 'serviceAccountToken'`,
        );
      }
      if (target.authProvider === 'kubeconfig' && !target.kubeconfigPath) {
        fail(
          `${key}.kubeconfigPath`,
          `authProvider 'kubeconfig' needs the path of a kubeconfig file`,
        );
      }
      return target;
    },
  );
  const primaries = clusters.filter(c => c.role === 'primary');
  if (clusters.length > 0 && primaries.length !== 1) {
    fail(
      'clusters',
      `exactly one cluster must have role 'primary', found ${primaries.length}`,
    );
  }
  if (clusters.filter(c => c.role === 'burst').length > 1) {
    fail('clusters', 'at most one cluster may have role burst');
  }
  return clusters;
}

/**
 * Reads and checks the `runners` config. Throws at startup with a message that names the key.
 *
 * @public
 */
export function readRunnersConfig(root: Config): RunnersConfig {
  const config = root.getOptionalConfig('runners');
  const empty = (key: string) => config?.getOptionalConfig(key);
  const defaultQuota = readQuota(
    empty('quotas.default'),
    {
      maxCpu: 128,
      maxMemoryGiB: 256,
      maxPools: 10,
      maxStorageGiB: DEFAULT_MAX_STORAGE_GIB,
    },
    'quotas.default.',
  );
  const teamsConfig = empty('quotas.teams');
  const teams = Object.fromEntries(
    (teamsConfig?.keys() ?? []).map(team => [
      team,
      readQuota(
        teamsConfig!.getConfig(team),
        defaultQuota,
        `quotas.teams.${team}.`,
      ),
    ]),
  );
  const gitlab = empty('gitlab');
  const a = empty('autoscaling');
  const targetUtilization = a?.getOptionalNumber('targetUtilization') ?? 0.3;
  if (!(targetUtilization > 0 && targetUtilization <= 1)) {
    fail(
      'autoscaling.targetUtilization',
      `must be above 0 and at most 1, got ${targetUtilization}`,
    );
  }
  const clusters = config ? readClusters(config) : [];
  return {
    catalog: readCatalog(config ?? new ConfigReader({})),
    quotas: { default: defaultQuota, teams },
    clusters,
    pricing: readPricing(
      config,
      clusters.map(c => c.name),
    ),
    gitlab: gitlab && {
      baseUrl: gitlab.getString('baseUrl').replace(/\/+$/, ''),
      token: gitlab.getString('token'),
      requestsPerMinute: positiveInt(
        gitlab,
        'requestsPerMinute',
        DEFAULT_GITLAB_REQUESTS_PER_MINUTE,
        'gitlab.',
      ),
      maxRetryWaitSeconds: positiveInt(
        gitlab,
        'maxRetryWaitSeconds',
        30,
        'gitlab.',
      ),
    },
    autoscaling: {
      targetUtilization,
      pollingIntervalSeconds: optionalInt(
        a,
        'pollingIntervalSeconds',
        15,
        'autoscaling.',
      ),
      scaleDownStabilizationSeconds: optionalInt(
        a,
        'scaleDownStabilizationSeconds',
        300,
        'autoscaling.',
      ),
      cooldownSeconds: optionalInt(a, 'cooldownSeconds', 300, 'autoscaling.'),
    },
    scalingMetrics: {
      baseUrl: (
        config?.getOptionalString('scalingMetrics.baseUrl') ??
        root.getString('backend.baseUrl')
      ).replace(/\/+$/, ''),
      token: scalingToken(config),
    },
    reconcilerIntervalSeconds: optionalInt(
      config,
      'reconciler.intervalSeconds',
      30,
      '',
    ),
    retention: {
      eventDays: optionalInt(config, 'retention.eventDays', 90, ''),
      eventsPerPool: optionalInt(config, 'retention.eventsPerPool', 500, ''),
      deletedPoolDays: optionalInt(config, 'retention.deletedPoolDays', 30, ''),
    },
    reconcilerConcurrency: optionalInt(config, 'reconciler.concurrency', 4, ''),
    reconcilerLeaseSeconds: optionalInt(
      config,
      'reconciler.leaseSeconds',
      60,
      '',
    ),
    goldenImages: readGoldenImages(config),
    runnerNetwork: readRunnerNetwork(config),
  };
}

/**
 * KEDA's token. Required as soon as pools can be provisioned (a cluster is configured): without it
 * every pass would fail, so the backend refuses to start and names the key instead.
 */
function scalingToken(config: Config | undefined): string | undefined {
  const token = config?.getOptionalString('scalingMetrics.token');
  if (!token && config?.getOptionalConfigArray('clusters')?.length) {
    fail(
      'scalingMetrics.token',
      "is required when runners.clusters is set: KEDA presents it to read each pool's scaling signal; set it to the token of the static external-access entry restricted to runners.scaling.read",
    );
  }
  return token;
}

/**
 * The URL KEDA in `clusterName` polls for a pool's scaling signal: the cluster's `scalingUrl`,
 * else `scalingMetrics.baseUrl`, plus the pool's path under the backend's API.
 */
export function poolScalingUrl(
  config: Pick<RunnersConfig, 'clusters' | 'scalingMetrics'>,
  clusterName: string,
  poolId: string,
): string {
  const base =
    config.clusters.find(c => c.name === clusterName)?.scalingUrl ??
    config.scalingMetrics.baseUrl;
  return `${base}/api/runners/scaling/pools/${encodeURIComponent(poolId)}`;
}
