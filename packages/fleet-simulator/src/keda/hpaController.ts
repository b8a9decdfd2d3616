import {
  computeHpa,
  EMPTY_HPA_STATE,
  HpaDecision,
  HpaState,
  recordScaleEvent,
} from './hpa';
import { Reading } from './scalerInputs';
import { KEDA_DEFAULTS, ScaledObject, ScalerState } from './types';

/** HPA syncs kept in {@link ScalerState.hpaSyncs}. */
const HPA_SYNCS_KEPT = 100;

/**
 * The HorizontalPodAutoscaler KEDA creates for a ScaledObject (`keda-hpa-<name>`): minReplicas
 * max(1, minReplicaCount), maxReplicaCount, the ScaledObject's behaviour, external metrics from
 * the triggers. Keeps the HPA's memory (recommendations, scale events) between syncs.
 */
export class HpaController {
  readonly #tolerance: number;
  #memory: HpaState = EMPTY_HPA_STATE;
  /** The most recent syncs, oldest first. */
  readonly syncs: ScalerState['hpaSyncs'] = [];

  constructor(tolerance: number) {
    this.#tolerance = tolerance;
  }

  /** One sync: the decision, recorded in {@link HpaController.syncs}. */
  decide(
    so: ScaledObject,
    scale: { replicas: number; statusReplicas: number },
    readings: Reading[],
    nowMs: number,
  ): HpaDecision {
    const minReplicaCount =
      so.spec.minReplicaCount ?? KEDA_DEFAULTS.minReplicaCount;
    const decision = computeHpa(
      {
        nowMs,
        specReplicas: scale.replicas,
        statusReplicas: scale.statusReplicas,
        minReplicas: Math.max(1, minReplicaCount),
        maxReplicas: so.spec.maxReplicaCount ?? KEDA_DEFAULTS.maxReplicaCount,
        metrics: readings.map(r => ({
          name: r.name,
          value: r.value,
          target: r.target,
          targetType: r.targetType,
        })),
        behavior: so.spec.advanced?.horizontalPodAutoscalerConfig?.behavior,
        tolerance: this.#tolerance,
      },
      this.#memory,
    );
    this.#memory = decision.state;
    this.syncs.push({
      at: new Date(nowMs).toISOString(),
      replicas: scale.replicas,
      metricsReplicas: decision.metricsReplicas ?? null,
      desiredReplicas: decision.desiredReplicas,
      reason: decision.reason,
    });
    this.syncs.splice(0, this.syncs.length - HPA_SYNCS_KEPT);
    return decision;
  }

  /** Remembers a rescale the HPA made, for the behaviour's rate limits. */
  scaled(so: ScaledObject, nowMs: number, from: number, to: number): void {
    this.#memory = recordScaleEvent(
      this.#memory,
      nowMs,
      from,
      to,
      so.spec.advanced?.horizontalPodAutoscalerConfig?.behavior,
    );
  }
}
