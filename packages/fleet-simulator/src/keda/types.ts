import { Condition, KubeObject } from '../kube/objects';
import { HpaBehavior } from './hpa';

/** A ScaledObject trigger, the fields used here. */
export interface Trigger {
  type: string;
  name?: string;
  metricType?: string;
  metadata?: Record<string, string>;
  authenticationRef?: { name: string; kind?: string };
}

/** `ScaledObject`, the fields used here (defaults as KEDA documents them). */
export interface ScaledObject extends KubeObject {
  spec: {
    scaleTargetRef: { apiVersion?: string; kind?: string; name: string };
    /** Default 30 s. */
    pollingInterval?: number;
    /** Default 300 s; only the step to zero. */
    cooldownPeriod?: number;
    /** Default 0 s. */
    initialCooldownPeriod?: number;
    /** Default 0. */
    minReplicaCount?: number;
    /** Default 100. */
    maxReplicaCount?: number;
    idleReplicaCount?: number;
    fallback?: { failureThreshold: number; replicas: number };
    advanced?: {
      horizontalPodAutoscalerConfig?: { name?: string; behavior?: HpaBehavior };
      restoreToOriginalReplicaCount?: boolean;
    };
    triggers: Trigger[];
  };
  status?: ScaledObjectStatus;
}

export interface ScaledObjectStatus {
  scaleTargetKind?: string;
  scaleTargetGVKR?: {
    group: string;
    version: string;
    kind: string;
    resource: string;
  };
  originalReplicaCount?: number;
  lastActiveTime?: string;
  externalMetricNames?: string[];
  hpaName?: string;
  triggersTypes?: string;
  conditions?: Condition[];
  health?: Record<
    string,
    { numberOfFailures: number; status: 'Happy' | 'Failing' }
  >;
}

/** KEDA's defaults for omitted ScaledObject fields. */
export const KEDA_DEFAULTS = {
  pollingInterval: 30,
  cooldownPeriod: 300,
  initialCooldownPeriod: 0,
  minReplicaCount: 0,
  maxReplicaCount: 100,
} as const;

/** What a test or the CLI can see of one ScaledObject's scaler. @public */
export interface ScalerState {
  /** `namespace/name` of the ScaledObject. */
  scaledObject: string;
  /** `<Kind>/<name>` of the scale target. */
  target: string;
  /** Last `spec.replicas` seen or written. */
  replicas: number;
  active: boolean;
  ready: boolean;
  /** Last value per external metric name; null when the last fetch failed. */
  metrics: Record<string, number | null>;
  /** The last HPA recommendation and why. */
  lastHpa?: { desiredReplicas: number; reason: string };
  /** The most recent HPA syncs (up to 100), oldest first: what the metrics asked and what was decided. */
  hpaSyncs: Array<{
    at: string;
    replicas: number;
    metricsReplicas: number | null;
    desiredReplicas: number;
    reason: string;
  }>;
  /** Every scale this scaler made, oldest first. */
  scaleHistory: Array<{
    at: string;
    from: number;
    to: number;
    by: 'keda' | 'hpa';
    reason: string;
  }>;
}
