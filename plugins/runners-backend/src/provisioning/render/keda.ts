import {
  effectiveMinReplicas,
  LABELS,
  ScalingSchedule,
  scalingThreshold,
} from '@runner-fleet/plugin-runners-common';
import { poolLabels, withTemplateHash } from './labels';
import { RenderContext } from './names';
import { ClusterRole, KubeObject, SCALING_VALUE_LOCATIONS } from './types';

/**
 * `TriggerAuthentication` `rf-<pool>-metrics`: maps the metrics-auth Secret's `token` key to the
 * metrics-api scaler's `token` parameter (used with `authMode: bearer`, sent as
 * `Authorization: Bearer <token>`).
 */
export function renderTriggerAuthentication(ctx: RenderContext): KubeObject {
  return withTemplateHash({
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: {
      name: ctx.names.triggerAuthentication,
      namespace: ctx.namespace,
      labels: poolLabels(ctx.input),
    },
    spec: {
      secretTargetRef: [
        { parameter: 'token', name: ctx.names.metricsAuthSecret, key: 'token' },
      ],
    },
  });
}

/** One metrics-api trigger on the pool's scaling endpoint; values are strings, as KEDA wants. */
function metricsTrigger(
  ctx: RenderContext,
  name: string,
  valueLocation: string,
  targetValue: number,
): Record<string, unknown> {
  return {
    type: 'metrics-api',
    name,
    metricType: 'AverageValue',
    metadata: {
      url: ctx.input.scaling.metricsUrl,
      format: 'json',
      valueLocation,
      targetValue: String(targetValue),
      // Active (so a pool at zero wakes) as soon as the value is above 0: one pending job.
      activationTargetValue: '0',
      authMode: 'bearer',
    },
    authenticationRef: { name: ctx.names.triggerAuthentication },
  };
}

/**
 * KEDA `cron` triggers for the pool's schedules: `desiredReplicas` VMs from `start` to `end`
 * (cron expressions in `timezone`). An end at hour 24 is 23:59 of the same days, since
 * midnight would belong to the next day and fall outside a day list such as `1-5`.
 */
export function cronTriggers(
  schedules: ScalingSchedule[] | undefined,
): Array<Record<string, unknown>> {
  return (schedules ?? []).map((s, i) => ({
    type: 'cron',
    name: `schedule-${i}`,
    metadata: {
      timezone: s.timezone,
      start: `0 ${s.startHour} * * ${s.days}`,
      end:
        s.endHour >= 24
          ? `59 23 * * ${s.days}`
          : `0 ${s.endHour} * * ${s.days}`,
      desiredReplicas: String(s.minReplicas),
    },
  }));
}

/**
 * The `ScaledObject` of a pool's workload on this cluster.
 *
 * - Utilisation trigger: busy job slots with `AverageValue` = `targetUtilization × jobSlots`
 *   (`scalingThreshold`), so desired VMs = ceil(busy / threshold). `Utilization` is rejected by
 *   KEDA for external metrics.
 * - Queue trigger: pending jobs with `AverageValue` = jobSlots, one VM per `jobSlots` waiting
 *   jobs. The HPA takes the larger of the two.
 * - Bounds: min 0 with scale-to-zero, else minReplicas (at least 1); `cooldownPeriod` governs
 *   the step to 0, the HPA's scale-down stabilisation window every step between 1 and N.
 * - Burst: the same triggers on the primary's overflow figures, min 0, max `burstMaxReplicas`
 *   (default `maxReplicas`).
 * - Schedules (primary only): one `cron` trigger each, keeping VMs ready for recurring rushes.
 */
export function renderScaledObject(
  ctx: RenderContext,
  role: ClusterRole,
  target: KubeObject,
): KubeObject {
  const { flavor, pool, scaling } = ctx.input;
  const autoscaling = pool.spec.autoscaling;
  const burst = role === 'burst';
  // Without scale-to-zero a pool keeps a VM ready, even if minReplicas says 0.
  const minReplicaCount = burst ? 0 : effectiveMinReplicas(autoscaling);
  const maxReplicaCount = burst
    ? autoscaling.burstMaxReplicas ?? autoscaling.maxReplicas
    : autoscaling.maxReplicas;
  const locations = burst
    ? [
        SCALING_VALUE_LOCATIONS.overflowBusyJobSlots,
        SCALING_VALUE_LOCATIONS.overflowPendingJobs,
      ]
    : [
        SCALING_VALUE_LOCATIONS.busyJobSlots,
        SCALING_VALUE_LOCATIONS.pendingJobs,
      ];
  const name = burst ? ctx.names.burstScaledObject : ctx.names.scaledObject;
  return withTemplateHash({
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: {
      name,
      namespace: ctx.namespace,
      labels: { ...poolLabels(ctx.input), [LABELS.role]: role },
    },
    spec: {
      scaleTargetRef: {
        apiVersion: target.apiVersion,
        kind: target.kind,
        name: target.metadata.name,
      },
      pollingInterval: scaling.pollingIntervalSeconds,
      cooldownPeriod: scaling.cooldownSeconds,
      minReplicaCount,
      maxReplicaCount,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            // New VMs take ~45 s to boot: add fast, up to double or 4 VMs a minute.
            scaleUp: {
              stabilizationWindowSeconds: 0,
              selectPolicy: 'Max',
              policies: [
                { type: 'Percent', value: 100, periodSeconds: 60 },
                { type: 'Pods', value: 4, periodSeconds: 60 },
              ],
            },
            // Removing a VM drains its jobs first; shed at most a fifth (or one VM) a minute.
            scaleDown: {
              stabilizationWindowSeconds: scaling.scaleDownStabilizationSeconds,
              selectPolicy: 'Max',
              policies: [
                { type: 'Percent', value: 20, periodSeconds: 60 },
                { type: 'Pods', value: 1, periodSeconds: 60 },
              ],
            },
          },
        },
      },
      triggers: [
        metricsTrigger(
          ctx,
          'busy-job-slots',
          locations[0],
          scalingThreshold(flavor, autoscaling.targetUtilization),
        ),
        metricsTrigger(ctx, 'pending-jobs', locations[1], flavor.jobSlots),
        ...(burst ? [] : cronTriggers(autoscaling.schedules)),
      ],
    },
  });
}
