// KEDA's own scaling (pkg/scaling/executor/scale_scaledobjects.go RequestScale): activation from
// and to zero, the cooldown, minReplicaCount, and the Ready/Active conditions. Between 1 and N the
// HPA decides (see hpa.ts). Pure: time comes in as `nowMs`.

/** A condition KEDA sets on the ScaledObject. @public */
export interface KedaCondition {
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** One polling round's input. @public */
export interface ActivationInput {
  nowMs: number;
  currentReplicas: number;
  /** Default 0. */
  minReplicaCount: number;
  /** Some trigger's value is above its `activationTargetValue`. */
  isActive: boolean;
  /** Some trigger failed. */
  isError: boolean;
  /** `status.lastActiveTime`, if set. */
  lastActiveMs?: number;
  creationMs: number;
  cooldownSeconds: number;
  initialCooldownSeconds: number;
}

/** One polling round's outcome. @public */
export interface ActivationDecision {
  /** Set when KEDA writes `/scale` itself. */
  scaleTo?: number;
  /** Whether `status.lastActiveTime` becomes now. */
  touchLastActive: boolean;
  ready: KedaCondition;
  active: KedaCondition;
  /** A short description for logs. */
  reason: string;
}

export const READY: KedaCondition = {
  status: 'True',
  reason: 'ScaledObjectReady',
  message: 'ScaledObject is defined correctly and is ready for scaling',
};
const ACTIVE: KedaCondition = {
  status: 'True',
  reason: 'ScalerActive',
  message: 'Scaling is performed because triggers are active',
};
const NOT_ACTIVE: KedaCondition = {
  status: 'False',
  reason: 'ScalerNotActive',
  message: 'Scaling is not performed because triggers are not active',
};
const COOLDOWN: KedaCondition = {
  status: 'False',
  reason: 'ScalerCooldown',
  message: 'Scaler cooling down because triggers are not active',
};

/**
 * KEDA's decision for one polling round (no fallback, no idle replicas, not paused):
 * - active and at 0 → scale to max(minReplicaCount, 1), lastActiveTime = now;
 * - active → lastActiveTime = now (unless a trigger failed: Ready Unknown, PartialTriggerError);
 * - inactive with an error → Ready False (TriggerError), nothing scaled;
 * - inactive, above 0, minReplicaCount 0 → to 0 once `cooldownPeriod` has passed since
 *   lastActiveTime (or `initialCooldownPeriod` since creation without one), else ScalerCooldown;
 * - inactive below minReplicaCount → up to minReplicaCount.
 * @public
 */
export function decideActivation(input: ActivationInput): ActivationDecision {
  const { currentReplicas: current, minReplicaCount: min } = input;
  if (input.isActive) {
    if (current === 0) {
      return {
        scaleTo: Math.max(min, 1),
        touchLastActive: true,
        ready: input.isError ? partialError() : READY,
        active: ACTIVE,
        reason: 'activated from zero',
      };
    }
    return input.isError
      ? {
          touchLastActive: false,
          ready: partialError(),
          active: ACTIVE,
          reason: 'active, some triggers failed',
        }
      : {
          touchLastActive: true,
          ready: READY,
          active: ACTIVE,
          reason: 'active',
        };
  }
  if (input.isError) {
    return {
      touchLastActive: false,
      ready: {
        status: 'False',
        reason: 'TriggerError',
        message: 'Triggers defined in ScaledObject are not working correctly',
      },
      active: NOT_ACTIVE,
      reason: 'triggers failed',
    };
  }
  if (current > 0 && min === 0) {
    const expired =
      input.lastActiveMs === undefined
        ? input.creationMs + input.initialCooldownSeconds * 1000 < input.nowMs
        : input.lastActiveMs + input.cooldownSeconds * 1000 < input.nowMs;
    return expired
      ? {
          scaleTo: 0,
          touchLastActive: false,
          ready: READY,
          active: NOT_ACTIVE,
          reason: 'cooldown over, deactivated',
        }
      : {
          touchLastActive: false,
          ready: READY,
          active: COOLDOWN,
          reason: 'cooling down',
        };
  }
  if (current < min) {
    return {
      scaleTo: min,
      touchLastActive: false,
      ready: READY,
      active: NOT_ACTIVE,
      reason: 'below minReplicaCount',
    };
  }
  return {
    touchLastActive: false,
    ready: READY,
    active: NOT_ACTIVE,
    reason: 'inactive',
  };
}

function partialError(): KedaCondition {
  return {
    status: 'Unknown',
    reason: 'PartialTriggerError',
    message: 'Some triggers defined in ScaledObject are not working correctly',
  };
}
