import { poolScalingUrl, RunnersConfig } from '../config';
import { PoolRecord } from '../database/PoolStore';
import { ClusterClient } from './ClusterClient';
import { RenderInput } from './render';

/** What the renderers need to produce a pool's objects for one cluster. */
export function renderInputFor(
  config: RunnersConfig,
  pool: PoolRecord,
  cluster: Pick<ClusterClient, 'name' | 'role' | 'apis'>,
  runnerToken: string,
  runnerUrl: string,
): RenderInput {
  const { scalingMetrics, autoscaling, quotas } = config;
  if (!scalingMetrics.token) {
    throw new Error(
      "runners.scalingMetrics.token is not set; KEDA needs it to read the pool's scaling metrics",
    );
  }
  // A pool that has nothing on this cluster (no burst) needs nothing from it.
  if (cluster.role === 'primary' || pool.spec.autoscaling.burst) {
    cluster.apis?.assertServes(pool.flavor.os, `${pool.team}/${pool.name}`);
  }
  return {
    pool: {
      id: pool.id,
      team: pool.team,
      name: pool.name,
      spec: pool.spec,
      generation: pool.generation,
    },
    flavor: pool.flavor,
    cluster: {
      name: cluster.name,
      role: cluster.role,
      vmPoolVersion: cluster.apis?.vmPoolVersion ?? 'v1beta1',
    },
    ...(pool.flavor.os === 'windows'
      ? { firmware: config.goldenImages[pool.flavor.image] ?? { type: 'bios' } }
      : {}),
    // A pin of another DataSource (the flavor changed since) is not this image's version.
    ...(pool.flavor.os === 'windows' &&
    pool.goldenImage?.dataSource === pool.flavor.image
      ? { goldenImage: pool.goldenImage }
      : {}),
    teamQuota: quotas.teams[pool.team] ?? quotas.default,
    network: config.runnerNetwork,
    gitlab: { url: runnerUrl },
    runnerToken,
    scaling: {
      metricsUrl: poolScalingUrl(config, cluster.name, pool.id),
      metricsToken: scalingMetrics.token,
      pollingIntervalSeconds: autoscaling.pollingIntervalSeconds,
      scaleDownStabilizationSeconds: autoscaling.scaleDownStabilizationSeconds,
      cooldownSeconds: autoscaling.cooldownSeconds,
    },
  };
}
