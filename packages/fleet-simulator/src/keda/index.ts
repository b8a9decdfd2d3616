import { SimContext } from '../context';
import { objectRef } from '../events';
import { keyOf } from '../kube/objects';
import { SCALED_OBJECT, scalableType } from '../kube/resources';
import { Scaler } from './scaler';
import { ScaledObject, ScalerState } from './types';

/**
 * What KEDA's admission webhook and controller reject, in their words: a scale target the
 * simulator cannot scale, a second ScaledObject on the same target, `Utilization` on an external
 * metric, a trigger without `targetValue`.
 */
export function validateScaledObject(
  so: ScaledObject,
  all: ScaledObject[],
): string | undefined {
  const ref = so.spec.scaleTargetRef;
  if (!scalableType(ref.apiVersion, ref.kind)) {
    return `the simulator scales VirtualMachineInstanceReplicaSets and VirtualMachinePools, not ${
      ref.apiVersion ?? 'apps/v1'
    } ${ref.kind ?? 'Deployment'}`;
  }
  const older = all.find(
    other =>
      other.metadata.uid !== so.metadata.uid &&
      other.metadata.namespace === so.metadata.namespace &&
      other.spec.scaleTargetRef.name === ref.name &&
      (other.spec.scaleTargetRef.kind ?? 'Deployment') ===
        (ref.kind ?? 'Deployment') &&
      (other.metadata.creationTimestamp ?? '') <=
        (so.metadata.creationTimestamp ?? ''),
  );
  if (older) {
    return `the workload '${ref.name}' of type '${ref.apiVersion}.${ref.kind}' is already managed by the ScaledObject '${older.metadata.name}'`;
  }
  for (const trigger of so.spec.triggers ?? []) {
    if (trigger.metricType === 'Utilization') {
      return `metricType Utilization is not supported for external metrics (trigger ${trigger.type})`;
    }
    if (trigger.type === 'metrics-api' && !trigger.metadata?.targetValue) {
      return 'error parsing metric API metadata: no targetValue given in metadata';
    }
  }
  return undefined;
}

/**
 * Plays KEDA: one {@link Scaler} per ScaledObject (KEDA's polling loop and the HPA it would
 * create), started when the ScaledObject appears, updated on change, stopped when it goes.
 */
export class Keda {
  readonly #scalers = new Map<string, Scaler>();

  constructor(ctx: SimContext) {
    ctx.informers.scaledObject.on((verb, so) => {
      const key = keyOf(so);
      if (verb === 'delete') {
        void this.#scalers.get(key)?.stop();
        this.#scalers.delete(key);
        ctx.events.record(
          'keda',
          'scaler-removed',
          'ScaledObject deleted; scaling stopped',
          {
            object: objectRef(
              SCALED_OBJECT.kind,
              so.metadata.namespace,
              so.metadata.name,
            ),
          },
        );
        return;
      }
      const validation = validateScaledObject(
        so,
        ctx.informers.scaledObject.list(),
      );
      let scaler = this.#scalers.get(key);
      if (!scaler) {
        scaler = new Scaler(ctx, so);
        scaler.update(so, validation);
        this.#scalers.set(key, scaler);
        scaler.start();
        ctx.events.record(
          'keda',
          'scaler-started',
          validation
            ? `refused: ${validation}`
            : `scaling ${so.spec.scaleTargetRef.kind} ${so.spec.scaleTargetRef.name}`,
          {
            object: objectRef(
              SCALED_OBJECT.kind,
              so.metadata.namespace,
              so.metadata.name,
            ),
          },
        );
      } else {
        scaler.update(so, validation);
      }
    });
  }

  /** The scalers' view, for tests and logs. */
  states(): ScalerState[] {
    return [...this.#scalers.values()].map(s => s.state);
  }

  async stop(): Promise<void> {
    const scalers = [...this.#scalers.values()];
    this.#scalers.clear();
    await Promise.all(scalers.map(s => s.stop()));
  }
}
