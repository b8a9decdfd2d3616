// Types of the HPA's behaviour and memory, shared by hpa.ts and hpaPolicies.ts.

/** `autoscaling/v2` HPAScalingPolicy. @public */
export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

/** `autoscaling/v2` HPAScalingRules. @public */
export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: ScalingPolicy[];
}

/** `autoscaling/v2` HorizontalPodAutoscalerBehavior. @public */
export interface HpaBehavior {
  scaleUp?: ScalingRules;
  scaleDown?: ScalingRules;
}

/** What the HPA remembers between syncs. @public */
export interface HpaState {
  recommendations: ReadonlyArray<{ atMs: number; replicas: number }>;
  scaleUpEvents: ReadonlyArray<{ atMs: number; change: number }>;
  scaleDownEvents: ReadonlyArray<{ atMs: number; change: number }>;
}
