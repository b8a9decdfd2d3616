import { SimContext } from '../context';
import { objectRef } from '../events';
import { describeError } from '../kube/KubeClient';
import { stableJson } from '../kube/objects';
import { ResourceType, SCALED_OBJECT, scalableType } from '../kube/resources';
import { decideActivation } from './activation';
import {
  computeHpa,
  EMPTY_HPA_STATE,
  HpaState,
  MetricSample,
  recordScaleEvent,
} from './hpa';
import {
  externalMetricName,
  fetchMetricsApiValue,
  resolveAuthParams,
} from './metricsApi';
import {
  checkFailed,
  kedaConditions,
  nextHealth,
  staticStatus,
} from './status';
import {
  KEDA_DEFAULTS,
  ScaledObject,
  ScaledObjectStatus,
  ScalerState,
} from './types';

/** HPA syncs kept in {@link ScalerState.hpaSyncs}. */
const HPA_SYNCS_KEPT = 100;

interface Reading {
  name: string;
  value: number | undefined;
  active: boolean;
  target: number;
  targetType: 'AverageValue' | 'Value';
}

/**
 * One ScaledObject at work: KEDA's polling loop (every `pollingInterval`: activation, cooldown,
 * conditions, `lastActiveTime`) and the HPA KEDA would create (every HPA sync period: the
 * replica formula, stabilisation, policies). Both read the triggers themselves and write the
 * target's `/scale`; they never overlap.
 */
export class Scaler {
  readonly #ctx: SimContext;
  readonly #abort = new AbortController();
  #so: ScaledObject;
  #hpa: HpaState = EMPTY_HPA_STATE;
  #lock: Promise<void> = Promise.resolve();
  #state: ScalerState;
  #validation?: string;
  readonly #loops: Array<Promise<void>> = [];
  /** The last problem logged per subject, so a lasting failure is logged once. */
  readonly #problems = new Map<string, string>();

  constructor(ctx: SimContext, so: ScaledObject) {
    this.#ctx = ctx;
    this.#so = so;
    this.#state = {
      scaledObject: `${so.metadata.namespace}/${so.metadata.name}`,
      target: `${so.spec.scaleTargetRef.kind}/${so.spec.scaleTargetRef.name}`,
      replicas: 0,
      active: false,
      ready: false,
      metrics: {},
      scaleHistory: [],
      hpaSyncs: [],
    };
  }

  get state(): ScalerState {
    return structuredClone(this.#state);
  }

  /** A new version of the ScaledObject (spec change, or KEDA's own status write). */
  update(so: ScaledObject, validation: string | undefined): void {
    this.#so = so;
    this.#validation = validation;
  }

  start(): void {
    this.#loop(
      () =>
        (this.#so.spec.pollingInterval ?? KEDA_DEFAULTS.pollingInterval) * 1000,
      () => this.#kedaTick(),
    );
    this.#loop(
      () => this.#ctx.settings.hpa.syncPeriodSeconds * 1000,
      () => this.#hpaTick(),
    );
  }

  /** Stops both loops; resolves when a round in flight has finished. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all(this.#loops);
  }

  #loop(periodMs: () => number, tick: () => Promise<void>): void {
    const run = async () => {
      while (!this.#abort.signal.aborted) {
        const turn = this.#lock.then(tick).catch(error => {
          this.#problem('tick', describeError(error));
        });
        this.#lock = turn;
        await turn;
        await this.#ctx.clock.loopDelay(periodMs(), this.#abort.signal);
      }
    };
    this.#loops.push(run());
  }

  /** Logs a problem of `subject` when it starts or changes, and when it is over. */
  #problem(subject: string, message: string | undefined): void {
    const last = this.#problems.get(subject);
    if (message === last) return;
    if (message === undefined) {
      this.#problems.delete(subject);
      this.#ctx.events.log(
        'keda',
        `${this.#state.scaledObject} ${subject}: working again`,
      );
      return;
    }
    this.#problems.set(subject, message);
    this.#ctx.events.log(
      'keda',
      `${this.#state.scaledObject} ${subject}: ${message}`,
    );
  }

  /** The target's scale subresource; undefined (and the reason logged) when it cannot be read. */
  async #readScale(
    type: ResourceType,
  ): Promise<Awaited<ReturnType<SimContext['kube']['getScale']>>> {
    const ref = this.#so.spec.scaleTargetRef;
    try {
      const scale = await this.#ctx.kube.getScale(
        type,
        this.#so.metadata.namespace ?? '',
        ref.name,
      );
      this.#problem(
        'scale target',
        scale ? undefined : `${type.kind} ${ref.name} not found`,
      );
      return scale;
    } catch (error) {
      // e.g. 500 "the spec replicas field ".spec.replicas" does not exist" for a target without
      // spec.replicas: KEDA and the HPA cannot read such a target either.
      this.#problem(
        'scale target',
        `cannot read the scale of ${type.kind} ${ref.name}: ${describeError(
          error,
        )}`,
      );
      return undefined;
    }
  }

  get #target(): ResourceType | undefined {
    const ref = this.#so.spec.scaleTargetRef;
    return scalableType(ref.apiVersion, ref.kind);
  }

  async #read(): Promise<Reading[]> {
    const namespace = this.#so.metadata.namespace ?? '';
    return Promise.all(
      this.#so.spec.triggers.map(async (trigger, index): Promise<Reading> => {
        const metadata = trigger.metadata ?? {};
        const reading: Reading = {
          name: externalMetricName(index, trigger),
          value: undefined,
          active: false,
          target: Number(metadata.targetValue ?? metadata.threshold ?? NaN),
          targetType: trigger.metricType === 'Value' ? 'Value' : 'AverageValue',
        };
        try {
          if (trigger.type !== 'metrics-api')
            throw new Error(
              `scaler ${trigger.type} is not played by the simulator`,
            );
          const auth = await resolveAuthParams(
            this.#ctx.kube,
            namespace,
            trigger,
          );
          reading.value = await fetchMetricsApiValue(metadata, auth);
          reading.active =
            reading.value > Number(metadata.activationTargetValue ?? 0);
          this.#problem(`trigger ${trigger.name ?? index}`, undefined);
        } catch (error) {
          this.#problem(
            `trigger ${trigger.name ?? index}`,
            describeError(error),
          );
        }
        this.#state.metrics[reading.name] = reading.value ?? null;
        return reading;
      }),
    );
  }

  async #scale(
    type: ResourceType,
    from: number,
    to: number,
    by: 'keda' | 'hpa',
    reason: string,
  ): Promise<void> {
    const { namespace = '', name } = this.#so.metadata;
    await this.#ctx.kube.setScale(
      type,
      namespace,
      this.#so.spec.scaleTargetRef.name,
      to,
    );
    this.#state.replicas = to;
    this.#state.scaleHistory.push({
      at: this.#ctx.clock.now().toISOString(),
      from,
      to,
      by,
      reason,
    });
    this.#ctx.events.record(
      'keda',
      'scaled',
      `${by === 'keda' ? 'KEDA' : 'HPA'} scaled ${type.kind} ${
        this.#so.spec.scaleTargetRef.name
      } from ${from} to ${to} (${reason})`,
      {
        object: objectRef(SCALED_OBJECT.kind, namespace, name),
        data: { from, to, by, reason },
      },
    );
  }

  async #kedaTick(): Promise<void> {
    const so = this.#so;
    const { namespace = '' } = so.metadata;
    const type = this.#target;
    const scale = type && (await this.#readScale(type));
    const problem =
      this.#validation ??
      (scale
        ? undefined
        : "ScaledObject doesn't have correct scaleTargetRef specification");
    if (problem || !type || !scale) {
      this.#state.ready = false;
      await this.#writeStatus({
        ...staticStatus(so, type, undefined),
        conditions: kedaConditions(checkFailed(problem ?? ''), {
          status: 'Unknown',
          reason: '',
          message: '',
        }),
      });
      return;
    }
    this.#state.replicas = scale.replicas;
    const readings = await this.#read();
    const now = this.#ctx.clock.nowMs();
    const decision = decideActivation({
      nowMs: now,
      currentReplicas: scale.replicas,
      minReplicaCount: so.spec.minReplicaCount ?? KEDA_DEFAULTS.minReplicaCount,
      isActive: readings.some(r => r.active),
      isError: readings.some(r => r.value === undefined),
      lastActiveMs: so.status?.lastActiveTime
        ? Date.parse(so.status.lastActiveTime)
        : undefined,
      creationMs: Date.parse(so.metadata.creationTimestamp ?? '') || now,
      cooldownSeconds: so.spec.cooldownPeriod ?? KEDA_DEFAULTS.cooldownPeriod,
      initialCooldownSeconds:
        so.spec.initialCooldownPeriod ?? KEDA_DEFAULTS.initialCooldownPeriod,
    });
    if (decision.scaleTo !== undefined && decision.scaleTo !== scale.replicas) {
      await this.#scale(
        type,
        scale.replicas,
        decision.scaleTo,
        'keda',
        decision.reason,
      );
    }
    const previous = so.status?.conditions?.find(c => c.type === 'Active');
    if (previous?.reason !== decision.active.reason) {
      this.#ctx.events.record(
        'keda',
        'active-changed',
        `Active ${decision.active.status} (${decision.active.reason})`,
        {
          object: objectRef(SCALED_OBJECT.kind, namespace, so.metadata.name),
          data: {
            status: decision.active.status,
            reason: decision.active.reason,
          },
        },
      );
    }
    this.#state.active = decision.active.status === 'True';
    this.#state.ready = decision.ready.status === 'True';
    await this.#writeStatus({
      ...staticStatus(so, type, scale.replicas),
      conditions: kedaConditions(decision.ready, decision.active),
      ...(decision.touchLastActive
        ? { lastActiveTime: this.#ctx.clock.kubeTime() }
        : {}),
      health: nextHealth(
        so.status?.health,
        Object.fromEntries(readings.map(r => [r.name, r.value ?? null])),
      ),
    });
  }

  async #hpaTick(): Promise<void> {
    const so = this.#so;
    const type = this.#target;
    if (this.#validation || !type) return;
    const scale = await this.#readScale(type);
    if (!scale || scale.replicas === 0) return;
    if (!scale.selector) {
      this.#state.lastHpa = {
        desiredReplicas: scale.replicas,
        reason: 'InvalidSelector: the scale target has no status.labelSelector',
      };
      return;
    }
    const readings = await this.#read();
    const minReplicaCount =
      so.spec.minReplicaCount ?? KEDA_DEFAULTS.minReplicaCount;
    const behavior = so.spec.advanced?.horizontalPodAutoscalerConfig?.behavior;
    const now = this.#ctx.clock.nowMs();
    const decision = computeHpa(
      {
        nowMs: now,
        specReplicas: scale.replicas,
        statusReplicas: scale.statusReplicas,
        minReplicas: Math.max(1, minReplicaCount),
        maxReplicas: so.spec.maxReplicaCount ?? KEDA_DEFAULTS.maxReplicaCount,
        metrics: readings.map(
          (r): MetricSample => ({
            name: r.name,
            value: r.value,
            target: r.target,
            targetType: r.targetType,
          }),
        ),
        behavior,
        tolerance: this.#ctx.settings.hpa.tolerance,
      },
      this.#hpa,
    );
    this.#hpa = decision.state;
    this.#state.lastHpa = {
      desiredReplicas: decision.desiredReplicas,
      reason: decision.reason,
    };
    this.#state.hpaSyncs.push({
      at: new Date(now).toISOString(),
      replicas: scale.replicas,
      metricsReplicas: decision.metricsReplicas ?? null,
      desiredReplicas: decision.desiredReplicas,
      reason: decision.reason,
    });
    this.#state.hpaSyncs.splice(
      0,
      this.#state.hpaSyncs.length - HPA_SYNCS_KEPT,
    );
    if (decision.ableToScale && decision.desiredReplicas !== scale.replicas) {
      await this.#scale(
        type,
        scale.replicas,
        decision.desiredReplicas,
        'hpa',
        `${decision.reason}, metrics ask for ${
          decision.metricsReplicas ?? '?'
        }`,
      );
      this.#hpa = recordScaleEvent(
        this.#hpa,
        now,
        scale.replicas,
        decision.desiredReplicas,
        behavior,
      );
    }
    const health = nextHealth(
      so.status?.health,
      Object.fromEntries(readings.map(r => [r.name, r.value ?? null])),
    );
    await this.#writeStatus({ health });
  }

  /** Merge-patches status fields that differ from the last seen status. */
  async #writeStatus(status: ScaledObjectStatus): Promise<void> {
    const current = (this.#so.status ?? {}) as Record<string, unknown>;
    const changed = Object.entries(status).filter(
      ([key, value]) => stableJson(current[key]) !== stableJson(value),
    );
    if (changed.length === 0) return;
    const { namespace = '', name } = this.#so.metadata;
    const updated = await this.#ctx.kube.patchStatus<ScaledObject>(
      SCALED_OBJECT,
      namespace,
      name,
      Object.fromEntries(changed),
    );
    this.#so = { ...this.#so, status: updated.status };
  }
}
