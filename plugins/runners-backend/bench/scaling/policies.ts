import type { HpaBehavior } from '@runner-fleet/fleet-simulator';
import type { ScalingSchedule } from '@runner-fleet/plugin-runners-common';
import { scalingThreshold } from '@runner-fleet/plugin-runners-common';
import {
  renderPool,
  SCALING_VALUE_LOCATIONS,
} from '../../src/provisioning/render';
import type { KubeObject } from '../../src/provisioning/render';
import {
  exampleRenderInput,
  withAutoscaling,
} from '../../src/provisioning/render/testing';
import { ScalingPool } from './week';

/** What a ScaledObject's trigger reads, in the simulation's terms. */
export type TriggerSource =
  | { kind: 'signal'; figure: keyof typeof SCALING_VALUE_LOCATIONS }
  | { kind: 'cron'; schedule: ScalingSchedule };

/** One trigger as KEDA serves it to the HPA: an `AverageValue` external metric. */
export interface SimTrigger {
  name: string;
  source: TriggerSource;
  target: number;
}

/** A ScaledObject reduced to what KEDA and the HPA act on. */
export interface SimScaler {
  minReplicaCount: number;
  maxReplicaCount: number;
  cooldownSeconds: number;
  behavior?: HpaBehavior;
  triggers: SimTrigger[];
}

/** A policy: the scalers of a pool on the primary and (optionally) the burst cluster. */
export interface ScalingPolicy {
  name: string;
  scalers(pool: ScalingPool): { primary: SimScaler; burst?: SimScaler };
}

const FIGURE_BY_LOCATION = new Map<
  string,
  keyof typeof SCALING_VALUE_LOCATIONS
>(
  Object.entries(SCALING_VALUE_LOCATIONS).map(
    ([figure, location]) =>
      [location, figure as keyof typeof SCALING_VALUE_LOCATIONS] as const,
  ),
);

/** Reads a rendered ScaledObject back into what the simulation plays (metrics-api and cron). */
export function simScaler(so: KubeObject): SimScaler {
  const spec = so.spec as {
    minReplicaCount: number;
    maxReplicaCount: number;
    cooldownPeriod: number;
    advanced?: { horizontalPodAutoscalerConfig?: { behavior?: HpaBehavior } };
    triggers: Array<{
      type: string;
      name: string;
      metadata: Record<string, string>;
    }>;
  };
  return {
    minReplicaCount: spec.minReplicaCount,
    maxReplicaCount: spec.maxReplicaCount,
    cooldownSeconds: spec.cooldownPeriod,
    behavior: spec.advanced?.horizontalPodAutoscalerConfig?.behavior,
    triggers: spec.triggers.map(t => {
      if (t.type === 'cron') {
        // KEDA's cron scaler: desiredReplicas inside the window, target AverageValue 1.
        const [, startHour, , , days] = t.metadata.start.split(' ');
        const [endMinute, endHour] = t.metadata.end.split(' ');
        return {
          name: t.name,
          target: 1,
          source: {
            kind: 'cron',
            schedule: {
              days,
              startHour: Number(startHour),
              endHour: endMinute === '59' ? 24 : Number(endHour),
              minReplicas: Number(t.metadata.desiredReplicas),
              timezone: t.metadata.timezone,
            },
          },
        };
      }
      const figure = FIGURE_BY_LOCATION.get(t.metadata.valueLocation);
      if (t.type !== 'metrics-api' || !figure)
        throw new Error(`the simulation does not play trigger ${t.name}`);
      return {
        name: t.name,
        target: Number(t.metadata.targetValue),
        source: { kind: 'signal', figure },
      };
    }),
  };
}

/** The ScaledObjects the product renders for a pool (primary and burst cluster). */
function productScalers(pool: ScalingPool, schedules?: ScalingSchedule[]) {
  const input = withAutoscaling(
    exampleRenderInput({
      flavor: pool.flavor,
      scaling: {
        ...exampleRenderInput().scaling,
        // The product's defaults (readRunnersConfig): 15 s polling, 300 s windows.
        pollingIntervalSeconds: 15,
        scaleDownStabilizationSeconds: 300,
        cooldownSeconds: 300,
      },
    }),
    {
      minReplicas: pool.minReplicas,
      maxReplicas: pool.maxReplicas,
      targetUtilization: 0.3,
      scaleToZero: false,
      burst: true,
      schedules,
    },
  );
  const find = (role: 'primary' | 'burst') => {
    const so = renderPool({
      ...input,
      cluster: { name: `kv-${role}`, role },
    }).find(o => o.kind === 'ScaledObject');
    if (!so) throw new Error(`no ${role} ScaledObject rendered`);
    return simScaler(so);
  };
  return { primary: find('primary'), burst: find('burst') };
}

/** (a) The source system's rule: add runners when more than 30% of job slots are busy. */
export const PLAIN_RULE: ScalingPolicy = {
  name: '(a) plain KEDA rule: busy slots > 30%',
  scalers: pool => ({
    primary: {
      minReplicaCount: pool.minReplicas,
      maxReplicaCount: pool.maxReplicas,
      cooldownSeconds: 300,
      // No behaviour: the HPA's defaults (up 100% or 4 pods per 15 s, down after 300 s).
      triggers: [
        {
          name: 'busy-job-slots',
          target: scalingThreshold(pool.flavor, 0.3),
          source: { kind: 'signal', figure: 'busyJobSlots' },
        },
      ],
    },
  }),
};

/** (b) What the product ships: busy and queue triggers, its HPA behaviour, burst. */
export const PRODUCT: ScalingPolicy = {
  name: "(b) Runner Fleet's shipped policy",
  scalers: pool => productScalers(pool),
};

/** (c) The shipped policy plus the schedules the capacity advice proposed for each pool. */
export function withAdvice(
  schedules: Map<string, ScalingSchedule[]>,
): ScalingPolicy {
  return {
    name: '(c) (b) + advised schedules',
    scalers: pool => productScalers(pool, schedules.get(pool.id)),
  };
}
