import { SimContext } from '../context';
import { describeError } from '../kube/KubeClient';
import { ResourceType } from '../kube/resources';
import {
  externalMetricName,
  fetchMetricsApiValue,
  resolveAuthParams,
} from './metricsApi';
import { ScaledObject } from './types';

/** One trigger's value as KEDA's metrics adapter would serve it to the HPA. */
export interface Reading {
  /** External metric name, `s<index>-metric-api-<valueLocation>`. */
  name: string;
  /** Undefined when reading it failed. */
  value: number | undefined;
  /** Above `activationTargetValue`. */
  active: boolean;
  target: number;
  targetType: 'AverageValue' | 'Value';
}

type Scale = Awaited<ReturnType<SimContext['kube']['getScale']>>;

/**
 * What a scaler reads each round: its triggers (auth resolved from the TriggerAuthentication's
 * Secrets, then the metrics endpoint) and the target's scale subresource. Problems are logged
 * when they start, change or end, not every round.
 */
export class ScalerInputs {
  readonly #ctx: SimContext;
  readonly #name: string;
  /** The last problem logged per subject. */
  readonly #problems = new Map<string, string>();

  constructor(ctx: SimContext, name: string) {
    this.#ctx = ctx;
    this.#name = name;
  }

  /** Logs a problem of `subject` when it starts or changes; `undefined` ends it. */
  problem(subject: string, message: string | undefined): void {
    const last = this.#problems.get(subject);
    if (message === last) return;
    if (message === undefined) {
      this.#problems.delete(subject);
      this.#ctx.events.log('keda', `${this.#name} ${subject}: working again`);
      return;
    }
    this.#problems.set(subject, message);
    this.#ctx.events.log('keda', `${this.#name} ${subject}: ${message}`);
  }

  /** The target's scale subresource; undefined (and the reason logged) when it cannot be read. */
  async scale(so: ScaledObject, type: ResourceType): Promise<Scale> {
    const ref = so.spec.scaleTargetRef;
    try {
      const scale = await this.#ctx.kube.getScale(
        type,
        so.metadata.namespace ?? '',
        ref.name,
      );
      this.problem(
        'scale target',
        scale ? undefined : `${type.kind} ${ref.name} not found`,
      );
      return scale;
    } catch (error) {
      // e.g. 500 "the spec replicas field ".spec.replicas" does not exist" for a target without
      // spec.replicas: KEDA and the HPA cannot read such a target either.
      this.problem(
        'scale target',
        `cannot read the scale of ${type.kind} ${ref.name}: ${describeError(
          error,
        )}`,
      );
      return undefined;
    }
  }

  /** Every trigger's reading, in trigger order. */
  triggers(so: ScaledObject): Promise<Reading[]> {
    const namespace = so.metadata.namespace ?? '';
    return Promise.all(
      so.spec.triggers.map(async (trigger, index): Promise<Reading> => {
        const metadata = trigger.metadata ?? {};
        const subject = `trigger ${trigger.name ?? index}`;
        const reading: Reading = {
          name: externalMetricName(index, trigger),
          value: undefined,
          active: false,
          target: Number(metadata.targetValue ?? metadata.threshold ?? NaN),
          targetType: trigger.metricType === 'Value' ? 'Value' : 'AverageValue',
        };
        try {
          if (trigger.type !== 'metrics-api') {
            throw new Error(
              `scaler ${trigger.type} is not played by the simulator`,
            );
          }
          const auth = await resolveAuthParams(
            this.#ctx.kube,
            namespace,
            trigger,
          );
          reading.value = await fetchMetricsApiValue(metadata, auth);
          reading.active =
            reading.value > Number(metadata.activationTargetValue ?? 0);
          this.problem(subject, undefined);
        } catch (error) {
          this.problem(subject, describeError(error));
        }
        return reading;
      }),
    );
  }
}
