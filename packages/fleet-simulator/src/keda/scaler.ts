import { SimContext } from '../context';
import { objectRef } from '../events';
import { describeError } from '../kube/KubeClient';
import { stableJson } from '../kube/objects';
import { ResourceType, SCALED_OBJECT, scalableType } from '../kube/resources';
import { decideActivation } from './activation';
import { HpaController } from './hpaController';
import { Reading, ScalerInputs } from './scalerInputs';
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
  #lock: Promise<void> = Promise.resolve();
  #state: ScalerState;
  #validation?: string;
  readonly #loops: Array<Promise<void>> = [];
  readonly #inputs: ScalerInputs;
  readonly #hpa: HpaController;

  constructor(ctx: SimContext, so: ScaledObject) {
    this.#ctx = ctx;
    this.#so = so;
    this.#hpa = new HpaController(ctx.settings.hpa.tolerance);
    this.#inputs = new ScalerInputs(
      ctx,
      `${so.metadata.namespace}/${so.metadata.name}`,
    );
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
          this.#inputs.problem('tick', describeError(error));
        });
        this.#lock = turn;
        await turn;
        await this.#ctx.clock.loopDelay(periodMs(), this.#abort.signal);
      }
    };
    this.#loops.push(run());
  }

  get #target(): ResourceType | undefined {
    const ref = this.#so.spec.scaleTargetRef;
    return scalableType(ref.apiVersion, ref.kind);
  }

  /** Reads every trigger, remembering the values for {@link Scaler.state}. */
  async #read(): Promise<Reading[]> {
    const readings = await this.#inputs.triggers(this.#so);
    for (const reading of readings) {
      this.#state.metrics[reading.name] = reading.value ?? null;
    }
    return readings;
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
    const scale = type && (await this.#inputs.scale(this.#so, type));
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
    const scale = await this.#inputs.scale(this.#so, type);
    if (!scale || scale.replicas === 0) return;
    if (!scale.selector) {
      this.#state.lastHpa = {
        desiredReplicas: scale.replicas,
        reason: 'InvalidSelector: the scale target has no status.labelSelector',
      };
      return;
    }
    const readings = await this.#read();
    const now = this.#ctx.clock.nowMs();
    const decision = this.#hpa.decide(so, scale, readings, now);
    this.#state.lastHpa = {
      desiredReplicas: decision.desiredReplicas,
      reason: decision.reason,
    };
    this.#state.hpaSyncs = [...this.#hpa.syncs];
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
      this.#hpa.scaled(so, now, scale.replicas, decision.desiredReplicas);
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
