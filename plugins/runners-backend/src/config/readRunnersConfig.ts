import { Config, ConfigReader } from '@backstage/config';
import { FlavorCatalog, Quota } from '@runner-fleet/plugin-runners-common';
import { readGoldenImages } from './goldenImages';
import { readRunnerNetwork } from './runnerNetwork';
import type { GuestFirmware, RunnerNetwork } from '../provisioning/render';
import { PricingConfig, readPricing } from '../capacity/pricing';
import { ClusterTarget, readClusters } from './clusters';
import { readTaskSchedules, TaskSchedules } from './taskSchedules';
import { readUsage, UsageConfig } from './usage';
import { fail, optionalInt, positiveInt } from './configValues';
import {
  DEFAULT_MAX_STORAGE_GIB,
  readCatalog,
  readQuota,
} from './flavorsAndQuotas';

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
  /** The plugin's scheduled tasks (`runners.schedules`). */
  schedules: TaskSchedules;
  /** Where CPU and memory use comes from (`runners.usage`); absent when not configured. */
  usage?: UsageConfig;
}

/**
 * Half of GitLab's default authenticated API limit (2,000 per minute per user on GitLab.com), so
 * other users of the same account keep room.
 */
export const DEFAULT_GITLAB_REQUESTS_PER_MINUTE = 1000;

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
    schedules: readTaskSchedules(config),
    usage: readUsage(config),
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
