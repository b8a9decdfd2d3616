import { Condition } from '../kube/objects';
import { apiVersionOf, ResourceType } from '../kube/resources';
import { KedaCondition } from './activation';
import { externalMetricName } from './metricsApi';
import { ScaledObject, ScaledObjectStatus } from './types';

/** KEDA's condition when no fallback is configured or active. */
const NO_FALLBACK: Condition = {
  type: 'Fallback',
  status: 'False',
  reason: 'NoFallbackFound',
  message: 'No fallbacks are active on this scaled object',
};

/** KEDA's Ready condition for a ScaledObject it refuses. */
export function checkFailed(message: string): KedaCondition {
  return { status: 'False', reason: 'ScaledObjectCheckFailed', message };
}

/**
 * The fields KEDA's ScaledObject controller keeps in status, from the spec and the target:
 * `scaleTargetKind` (`<group>/<version>.<Kind>`), `scaleTargetGVKR`, `originalReplicaCount`
 * (the replicas when KEDA first took over), `externalMetricNames`, `hpaName`, `triggersTypes`.
 */
export function staticStatus(
  so: ScaledObject,
  type: ResourceType | undefined,
  replicas: number | undefined,
): ScaledObjectStatus {
  const status: ScaledObjectStatus = {
    externalMetricNames: so.spec.triggers.map((t, i) =>
      externalMetricName(i, t),
    ),
    hpaName:
      so.spec.advanced?.horizontalPodAutoscalerConfig?.name ??
      `keda-hpa-${so.metadata.name}`,
    triggersTypes: [...new Set(so.spec.triggers.map(t => t.type))].join(','),
  };
  if (type) {
    status.scaleTargetKind = `${apiVersionOf(type)}.${type.kind}`;
    status.scaleTargetGVKR = {
      group: type.group,
      version: type.version,
      kind: type.kind,
      resource: type.plural,
    };
  }
  const original = so.status?.originalReplicaCount ?? replicas;
  if (original !== undefined) status.originalReplicaCount = original;
  return status;
}

/** Ready, Active and Fallback as KEDA writes them (its conditions carry no timestamps). */
export function kedaConditions(
  ready: KedaCondition,
  active: KedaCondition,
): Condition[] {
  return [
    { type: 'Ready', ...ready },
    { type: 'Active', ...active },
    NO_FALLBACK,
  ];
}

/**
 * `status.health` after a round of metric reads (GetMetricsWithFallback): per metric, Happy
 * with 0 failures after a success, Failing with one more failure after an error.
 */
export function nextHealth(
  previous: ScaledObjectStatus['health'],
  results: Record<string, number | null>,
): NonNullable<ScaledObjectStatus['health']> {
  const health: NonNullable<ScaledObjectStatus['health']> = { ...previous };
  for (const [metric, value] of Object.entries(results)) {
    health[metric] =
      value === null
        ? {
            numberOfFailures: (previous?.[metric]?.numberOfFailures ?? 0) + 1,
            status: 'Failing',
          }
        : { numberOfFailures: 0, status: 'Happy' };
  }
  return health;
}
