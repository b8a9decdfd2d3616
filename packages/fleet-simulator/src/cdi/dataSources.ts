import { SimContext } from '../context';
import {
  Condition,
  keyOf,
  setCondition,
  splitKey,
  stableJson,
} from '../kube/objects';
import { DATA_SOURCE } from '../kube/resources';
import { WorkQueue } from '../kube/WorkQueue';
import { DataSourceObject } from './types';

/** The PVC a DataSource points at, `namespace/name`, if any. */
export function dataSourcePvcKey(ds: DataSourceObject): string | undefined {
  const pvc = ds.spec.source?.pvc;
  return pvc
    ? `${pvc.namespace ?? ds.metadata.namespace}/${pvc.name}`
    : undefined;
}

/**
 * Plays CDI's DataSource controller: `Ready` is True (`Ready`) when the source PVC exists, False
 * with `NotFound` when it does not, False with `NoSource` without a source. DataSource has no
 * status subresource upstream, so the status is merge-patched on the object.
 */
export class DataSourceController {
  readonly #ctx: SimContext;
  readonly #queue: WorkQueue;

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue({
      name: 'datasource',
      clock: ctx.clock,
      reconcile: key => this.#reconcile(key),
      onError: message => ctx.events.log('cdi', message),
    });
    ctx.informers.dataSource.on((verb, ds) => {
      if (verb !== 'delete') this.#queue.add(keyOf(ds));
    });
    ctx.informers.pvc.on((verb, pvc) => {
      if (verb === 'update') return;
      const key = keyOf(pvc);
      for (const ds of ctx.informers.dataSource.list()) {
        if (dataSourcePvcKey(ds) === key) this.#queue.add(keyOf(ds));
      }
    });
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  async #reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ds = this.#ctx.informers.dataSource.get(namespace, name);
    if (!ds) return;
    const pvcKey = dataSourcePvcKey(ds);
    let ready: Condition;
    if (!pvcKey) {
      ready = {
        type: 'Ready',
        status: 'False',
        reason: 'NoSource',
        message: 'No source PVC set',
      };
    } else {
      const pvc = splitKey(pvcKey);
      const exists = await this.#ctx.kube.getPvc(pvc.namespace, pvc.name);
      ready = exists
        ? {
            type: 'Ready',
            status: 'True',
            reason: 'Ready',
            message: 'DataSource is ready to be consumed',
          }
        : {
            type: 'Ready',
            status: 'False',
            reason: 'NotFound',
            message: `PersistentVolumeClaim ${pvc.name} not found`,
          };
    }
    const conditions = setCondition(
      ds.status?.conditions,
      ready,
      this.#ctx.clock.kubeTime(),
    );
    const status = {
      conditions,
      ...(ds.spec.source ? { source: ds.spec.source } : {}),
    };
    if (
      stableJson(status) !==
      stableJson({
        conditions: ds.status?.conditions,
        ...(ds.spec.source ? { source: ds.status?.source } : {}),
      })
    ) {
      await this.#ctx.kube.patch(DATA_SOURCE, namespace, name, { status });
    }
  }
}
