// The HorizontalPodAutoscaler's behaviour (k8s.io/kubernetes pkg/controller/podautoscaler/horizontal.go):
// API defaults, scale-up/down rate limits from policies, the scale-event history they count.

import type { HpaBehavior, HpaState, ScalingRules } from './hpaTypes';

/** The API server's defaults for scale-up behaviour. @public */
export const DEFAULT_SCALE_UP: Required<ScalingRules> = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};

/** The API server's defaults for scale-down behaviour. @public */
export const DEFAULT_SCALE_DOWN: Required<ScalingRules> = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

function withDefaults(
  rules: ScalingRules | undefined,
  defaults: Required<ScalingRules>,
): Required<ScalingRules> {
  return {
    stabilizationWindowSeconds:
      rules?.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? defaults.selectPolicy,
    policies: rules?.policies?.length ? rules.policies : defaults.policies,
  };
}

/** Behaviour with the API server's defaults filled in, as `autoscaling/v2` defaulting does. @public */
export function resolveBehavior(behavior?: HpaBehavior): {
  scaleUp: Required<ScalingRules>;
  scaleDown: Required<ScalingRules>;
} {
  return {
    scaleUp: withDefaults(behavior?.scaleUp, DEFAULT_SCALE_UP),
    scaleDown: withDefaults(behavior?.scaleDown, DEFAULT_SCALE_DOWN),
  };
}

function changeInPeriod(
  events: HpaState['scaleUpEvents'],
  nowMs: number,
  periodSeconds: number,
): number {
  const cutoff = nowMs - periodSeconds * 1000;
  return events
    .filter(e => e.atMs > cutoff)
    .reduce((sum, e) => sum + e.change, 0);
}

/** The most replicas the scale-up policies allow now (calculateScaleUpLimitWithScalingRules). @public */
export function scaleUpLimit(
  current: number,
  state: HpaState,
  nowMs: number,
  rules: Required<ScalingRules>,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const policy of rules.policies) {
    const start =
      current -
      changeInPeriod(state.scaleUpEvents, nowMs, policy.periodSeconds) +
      changeInPeriod(state.scaleDownEvents, nowMs, policy.periodSeconds);
    const proposed =
      policy.type === 'Pods'
        ? start + policy.value
        : Math.ceil(start * (1 + policy.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** The fewest replicas the scale-down policies allow now (calculateScaleDownLimitWithBehaviors). @public */
export function scaleDownLimit(
  current: number,
  state: HpaState,
  nowMs: number,
  rules: Required<ScalingRules>,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const policy of rules.policies) {
    const start =
      current -
      changeInPeriod(state.scaleUpEvents, nowMs, policy.periodSeconds) +
      changeInPeriod(state.scaleDownEvents, nowMs, policy.periodSeconds);
    const proposed =
      policy.type === 'Pods'
        ? start - policy.value
        : Math.trunc(start * (1 - policy.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/**
 * Records a rescale for the rate-limit policies (storeScaleEvent); events older than the longest
 * policy period of that direction are dropped.
 * @public
 */
export function recordScaleEvent(
  state: HpaState,
  nowMs: number,
  from: number,
  to: number,
  behavior?: HpaBehavior,
): HpaState {
  const { scaleUp, scaleDown } = resolveBehavior(behavior);
  const keep = (
    events: HpaState['scaleUpEvents'],
    rules: Required<ScalingRules>,
  ) => {
    const longest = Math.max(0, ...rules.policies.map(p => p.periodSeconds));
    return events.filter(e => e.atMs > nowMs - longest * 1000);
  };
  if (to > from) {
    return {
      ...state,
      scaleUpEvents: [
        ...keep(state.scaleUpEvents, scaleUp),
        { atMs: nowMs, change: to - from },
      ],
    };
  }
  if (to < from) {
    return {
      ...state,
      scaleDownEvents: [
        ...keep(state.scaleDownEvents, scaleDown),
        { atMs: nowMs, change: from - to },
      ],
    };
  }
  return state;
}
