import { poolScalingUrl, RunnersConfig } from '../config';
import { PoolRecord } from '../database/PoolStore';
import { ClusterClient } from './ClusterClient';
import { RenderInput } from './render';

/** What the renderers need to produce a pool's objects for one cluster. */
export function renderInputFor(
  config: RunnersConfig,
  pool: PoolRecord,
  cluster: Pick<ClusterClient, 'name' | 'role'>,
  runnerToken: string,
  runnerUrl: string,
): RenderInput {
  const { scalingMetrics, autoscaling, quotas } = config;
  if (!scalingMetrics.token) {
    throw new Error(
      "runners.scalingMetrics.token is not set; KEDA needs it to read the pool's scaling metrics",
    );
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
    cluster: { name: cluster.name, role: cluster.role },
    teamQuota: quotas.teams[pool.team] ?? quotas.default,
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
