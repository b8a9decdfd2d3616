// The HorizontalPodAutoscaler's replica calculation (k8s.io/kubernetes pkg/controller/podautoscaler:
// horizontal.go and replica_calculator.go) for the external metrics KEDA serves. Pure functions:
// time comes in as `nowMs`, history as an immutable HpaState. Behaviour and rate limits are in
// hpaPolicies.ts.

import { resolveBehavior, scaleDownLimit, scaleUpLimit } from './hpaPolicies';
import type { HpaBehavior, HpaState } from './hpaTypes';

export type {
  HpaBehavior,
  HpaState,
  ScalingPolicy,
  ScalingRules,
} from './hpaTypes';

export {
  DEFAULT_SCALE_DOWN,
  DEFAULT_SCALE_UP,
  recordScaleEvent,
  resolveBehavior,
  scaleDownLimit,
  scaleUpLimit,
} from './hpaPolicies';

/** One metric the HPA sees: a value (undefined when fetching it failed) and its target. @public */
export interface MetricSample {
  name: string;
  value: number | undefined;
  target: number;
  targetType: 'AverageValue' | 'Value';
}

/** One HPA sync's input. @public */
export interface HpaInput {
  nowMs: number;
  /** `spec.replicas` of the target (the scale subresource). */
  specReplicas: number;
  /** `status.replicas` of the target. */
  statusReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  metrics: MetricSample[];
  behavior?: HpaBehavior;
  /** Default 0.1 (`--horizontal-pod-autoscaler-tolerance`). */
  tolerance?: number;
}

/** One HPA sync's outcome. @public */
export interface HpaDecision {
  desiredReplicas: number;
  /** Whether the HPA could compute a recommendation (false: metrics failed, or scaled to zero). */
  ableToScale: boolean;
  /** Replicas the metrics alone ask for, before stabilisation and rate limits. */
  metricsReplicas?: number;
  reason: string;
  state: HpaState;
}

/** The empty history of a new HPA. @public */
export const EMPTY_HPA_STATE: HpaState = {
  recommendations: [],
  scaleUpEvents: [],
  scaleDownEvents: [],
};

/**
 * Replicas one metric asks for. `AverageValue` (GetExternalPerPodMetricReplicas):
 * ceil(value / target), unless value / (target × status replicas) is within the tolerance of 1.
 * `Value` (GetExternalMetricReplicas): ceil(value / target × replicas), same tolerance.
 * @public
 */
export function replicasForMetric(
  sample: MetricSample & { value: number },
  specReplicas: number,
  statusReplicas: number,
  tolerance: number,
): number {
  if (sample.targetType === 'AverageValue') {
    const ratio = sample.value / (sample.target * statusReplicas);
    return Math.abs(1 - ratio) > tolerance
      ? Math.ceil(sample.value / sample.target)
      : statusReplicas;
  }
  const ratio = sample.value / sample.target;
  if (specReplicas === 0) return Math.ceil(ratio);
  return Math.abs(1 - ratio) > tolerance
    ? Math.ceil(ratio * statusReplicas)
    : specReplicas;
}

/**
 * One HPA sync (reconcileAutoscaler): out-of-bounds replicas are brought within bounds;
 * otherwise the largest per-metric recommendation is stabilised (the lowest recommendation of
 * the scale-up window, the highest of the scale-down window), limited by the behaviour's
 * policies and clamped to min/max. A metric that failed blocks scaling down; all failing blocks
 * scaling. With `spec.replicas` 0 the HPA is idle (KEDA owns 0 ↔ 1).
 * @public
 */
export function computeHpa(input: HpaInput, state: HpaState): HpaDecision {
  const {
    nowMs,
    specReplicas: current,
    minReplicas: min,
    maxReplicas: max,
  } = input;
  const tolerance = input.tolerance ?? 0.1;
  if (current === 0 && min !== 0) {
    return {
      desiredReplicas: 0,
      ableToScale: false,
      reason: 'ScalingDisabled',
      state,
    };
  }
  if (current > max)
    return {
      desiredReplicas: max,
      ableToScale: true,
      reason: 'TooManyReplicas',
      state,
    };
  if (current < min)
    return {
      desiredReplicas: min,
      ableToScale: true,
      reason: 'TooFewReplicas',
      state,
    };

  const valid = input.metrics.filter(
    (m): m is MetricSample & { value: number } => m.value !== undefined,
  );
  const invalid = input.metrics.length - valid.length;
  if (input.metrics.length === 0 || invalid === input.metrics.length) {
    return {
      desiredReplicas: current,
      ableToScale: false,
      reason: 'FailedGetExternalMetric',
      state,
    };
  }
  const metricsReplicas = Math.max(
    ...valid.map(m =>
      replicasForMetric(m, current, input.statusReplicas, tolerance),
    ),
  );
  if (invalid > 0 && metricsReplicas < current) {
    return {
      desiredReplicas: current,
      ableToScale: false,
      metricsReplicas,
      reason: 'FailedGetExternalMetric',
      state,
    };
  }

  const { scaleUp, scaleDown } = resolveBehavior(input.behavior);
  // Stabilisation (stabilizeRecommendationWithBehaviors).
  const upCutoff = nowMs - scaleUp.stabilizationWindowSeconds * 1000;
  const downCutoff = nowMs - scaleDown.stabilizationWindowSeconds * 1000;
  let upRecommendation = metricsReplicas;
  let downRecommendation = metricsReplicas;
  for (const rec of state.recommendations) {
    if (rec.atMs > upCutoff)
      upRecommendation = Math.min(upRecommendation, rec.replicas);
    if (rec.atMs > downCutoff)
      downRecommendation = Math.max(downRecommendation, rec.replicas);
  }
  let stabilized = Math.min(
    Math.max(current, upRecommendation),
    downRecommendation,
  );
  let reason = 'ScaleToMetrics';
  if (stabilized < metricsReplicas) reason = 'ScaleUpStabilized';
  else if (stabilized > metricsReplicas) reason = 'ScaleDownStabilized';
  const keepAfter =
    nowMs -
    Math.max(
      scaleUp.stabilizationWindowSeconds,
      scaleDown.stabilizationWindowSeconds,
    ) *
      1000;
  const recommendations = [
    ...state.recommendations.filter(r => r.atMs > keepAfter),
    { atMs: nowMs, replicas: metricsReplicas },
  ];

  // Rate limits (convertDesiredReplicasWithBehaviorRate), then bounds.
  if (stabilized > current) {
    const limit = Math.max(
      current,
      scaleUpLimit(current, state, nowMs, scaleUp),
    );
    if (stabilized > Math.min(max, limit))
      reason = limit < max ? 'ScaleUpLimit' : 'TooManyReplicas';
    stabilized = Math.min(stabilized, max, limit);
  } else if (stabilized < current) {
    const limit = Math.min(
      current,
      scaleDownLimit(current, state, nowMs, scaleDown),
    );
    if (stabilized < Math.max(min, limit))
      reason = limit > min ? 'ScaleDownLimit' : 'TooFewReplicas';
    stabilized = Math.max(stabilized, min, limit);
  }
  stabilized = Math.min(max, Math.max(min, stabilized));
  return {
    desiredReplicas: stabilized,
    ableToScale: true,
    metricsReplicas,
    reason,
    state: { ...state, recommendations },
  };
}
