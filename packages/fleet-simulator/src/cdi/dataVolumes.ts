import { SimContext } from '../context';
import { objectRef } from '../events';
import { describeError, statusOf } from '../kube/KubeClient';
import { controllerRef, isDeleting, keyOf, splitKey } from '../kube/objects';
import { apiVersionOf, DATA_SOURCE, DATA_VOLUME } from '../kube/resources';
import { ReconcileResult, WorkQueue } from '../kube/WorkQueue';
import { dataSourcePvcKey } from './dataSources';
import {
  clonePlan,
  ProgressPlan,
  waitingStatus,
  stepStatus,
} from './dataVolumeStatus';
import { SOURCE_SIZE_ANNOTATION } from '../kubevirt/specialize';
import { DataVolumeObject } from './types';

/** Where a DataVolume's data comes from, once resolved. */
type Source =
  | { kind: 'clone'; pvcNamespace: string; pvcName: string }
  | { kind: 'import' | 'blank' }
  | { kind: 'missing'; reason: string; message: string };

/**
 * Plays CDI's DataVolume controllers: resolves the source (`sourceRef` to a DataSource, or
 * `source.pvc`; `blank`, `http` and `registry` as imports), creates the target PVC (Bound, owned
 * by the DataVolume), then walks the phases CloneScheduled → CloneInProgress (`progress`
 * "N.NN%") → Succeeded in a time proportional to the requested size. A missing source is
 * reported as CDI does (`CloneWithoutSource`, Bound Unknown, Ready False) and never succeeds
 * until the source appears.
 */
export class DataVolumeController {
  readonly #ctx: SimContext;
  readonly #queue: WorkQueue;
  /** DataVolumes in progress (by uid), with their plan. */
  readonly #running = new Map<string, ProgressPlan>();

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue({
      name: 'datavolume',
      clock: ctx.clock,
      reconcile: key => this.#reconcile(key),
      onError: message => ctx.events.log('cdi', message),
    });
    ctx.informers.dataVolume.on((verb, dv) => {
      if (verb === 'delete') this.#running.delete(dv.metadata.uid ?? '');
      else this.#queue.add(keyOf(dv));
    });
    // A source that appears (or changes) wakes the DataVolumes waiting for it.
    const wake = () => {
      for (const dv of ctx.informers.dataVolume.list()) {
        if (dv.status?.phase === 'Pending' || !dv.status?.phase)
          this.#queue.add(keyOf(dv));
      }
    };
    ctx.informers.dataSource.on(wake);
    ctx.informers.pvc.on(verb => verb === 'add' && wake());
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  async #resolve(dv: DataVolumeObject): Promise<Source> {
    const namespace = dv.metadata.namespace ?? '';
    let pvc = dv.spec.source?.pvc
      ? {
          namespace: dv.spec.source.pvc.namespace ?? namespace,
          name: dv.spec.source.pvc.name,
        }
      : undefined;
    const ref = dv.spec.sourceRef;
    if (ref) {
      const dsNamespace = ref.namespace ?? namespace;
      const ds =
        this.#ctx.informers.dataSource.get(dsNamespace, ref.name) ??
        (await this.#ctx.kube.get(DATA_SOURCE, dsNamespace, ref.name));
      const pvcKey =
        ds && dataSourcePvcKey(ds as Parameters<typeof dataSourcePvcKey>[0]);
      if (!pvcKey) {
        return {
          kind: 'missing',
          reason: 'CloneWithoutSource',
          message: ds
            ? `DataSource ${dsNamespace}/${ref.name} has no source PVC`
            : `The source datasource ${ref.name} doesn't exist`,
        };
      }
      pvc = splitKey(pvcKey);
    }
    if (pvc) {
      const exists = await this.#ctx.kube.getPvc(pvc.namespace, pvc.name);
      return exists
        ? { kind: 'clone', pvcNamespace: pvc.namespace, pvcName: pvc.name }
        : {
            kind: 'missing',
            reason: 'CloneWithoutSource',
            message: `The source pvc ${pvc.name} doesn't exist`,
          };
    }
    if (dv.spec.source?.blank) return { kind: 'blank' };
    if (dv.spec.source?.http || dv.spec.source?.registry)
      return { kind: 'import' };
    return {
      kind: 'missing',
      reason: 'UnsupportedSource',
      message: 'the simulator plays clone, blank, http and registry sources',
    };
  }

  async #reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const dv = this.#ctx.informers.dataVolume.get(namespace, name);
    const uid = dv?.metadata.uid ?? '';
    if (!dv || isDeleting(dv) || this.#running.has(uid)) return undefined;
    const phase = dv.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return undefined;
    const ref = objectRef(DATA_VOLUME.kind, namespace, name);

    const source = await this.#resolve(dv);
    if (source.kind === 'missing') {
      const already = dv.status?.conditions?.some(
        c =>
          c.type === 'Bound' &&
          c.reason === source.reason &&
          c.message === source.message,
      );
      if (!already) {
        await this.#ctx.kube.patchStatus(
          DATA_VOLUME,
          namespace,
          name,
          waitingStatus(
            this.#ctx,
            dv,
            'Unknown',
            source.reason,
            source.message,
          ),
        );
        this.#ctx.events.record('cdi', 'clone-without-source', source.message, {
          object: ref,
        });
        await this.#ctx.kube
          .recordEvent(
            dv,
            {
              type: 'Warning',
              reason: source.reason,
              message: source.message,
              component: 'datavolume-controller',
            },
            this.#ctx.clock.now(),
          )
          .catch(() => undefined);
      }
      return undefined;
    }
    try {
      await this.#ensurePvc(
        dv,
        source.kind === 'clone' ? this.#sourceSize(source) : undefined,
      );
    } catch (error) {
      const message = describeError(error);
      await this.#ctx.kube.patchStatus(
        DATA_VOLUME,
        namespace,
        name,
        waitingStatus(
          this.#ctx,
          dv,
          'False',
          statusOf(error) === 403 ? 'ErrExceededQuota' : 'ErrClaimNotValid',
          message,
        ),
      );
      this.#ctx.events.record(
        'cdi',
        'claim-failed',
        `cannot create the target PVC: ${message}`,
        { object: ref },
      );
      return { requeueAfterMs: 60_000 };
    }
    const plan = clonePlan(
      this.#ctx,
      dv,
      source.kind === 'clone' ? 'Clone' : 'Import',
    );
    this.#running.set(uid, plan);
    this.#ctx.events.record(
      'cdi',
      'clone-started',
      source.kind === 'clone'
        ? `cloning ${source.pvcNamespace}/${
            source.pvcName
          } (${plan.sizeGiB.toFixed(1)} GiB, ~${Math.round(
            plan.durationMs / 1000,
          )} s)`
        : `${source.kind} (${plan.sizeGiB.toFixed(1)} GiB)`,
      { object: ref },
    );
    void this.#transfer(dv, plan);
    return undefined;
  }

  /**
   * Walks the transfer's steps one status write at a time (a slow write never lands after the
   * next one), until done or the DataVolume goes.
   */
  async #transfer(dv: DataVolumeObject, plan: ProgressPlan): Promise<void> {
    const { namespace = '', name, uid = '' } = dv.metadata;
    const ref = objectRef(DATA_VOLUME.kind, namespace, name);
    let at = 0;
    for (const [index, step] of plan.steps.entries()) {
      await this.#ctx.clock.sleep(step.atMs - at);
      at = step.atMs;
      if (this.#running.get(uid) !== plan) return;
      try {
        await this.#ctx.kube.patchStatus(
          DATA_VOLUME,
          namespace,
          name,
          stepStatus(this.#ctx, dv, plan, step),
        );
      } catch (error) {
        this.#running.delete(uid);
        if (statusOf(error) !== 404) {
          this.#ctx.events.log(
            'cdi',
            `${ref}: ${describeError(error)}; retrying`,
          );
          this.#queue.addAfter(keyOf(dv), 5000);
        }
        return;
      }
      if (index === 0 || plan.steps[index - 1].phase !== step.phase) {
        const message =
          step.phase === 'Succeeded'
            ? `${plan.operation} succeeded`
            : step.phase;
        this.#ctx.events.record('cdi', 'datavolume-phase', message, {
          object: ref,
          data: { phase: step.phase, progress: step.progress },
        });
      }
    }
    this.#running.delete(uid);
  }

  /** The capacity of a clone's source claim, as its status reports it. */
  #sourceSize(source: {
    pvcNamespace: string;
    pvcName: string;
  }): string | undefined {
    const pvc = this.#ctx.informers.pvc.get(
      source.pvcNamespace,
      source.pvcName,
    );
    return (pvc?.status as { capacity?: { storage?: string } } | undefined)
      ?.capacity?.storage;
  }

  /**
   * The target PVC named like the DataVolume, owned by it, Bound as a provisioner would. A clone
   * records its source's size ({@link SOURCE_SIZE_ANNOTATION}): a clone larger than its source
   * keeps the source's partitions, which is what the guest sees until it extends them.
   */
  async #ensurePvc(
    dv: DataVolumeObject,
    sourceSize: string | undefined,
  ): Promise<void> {
    const namespace = dv.metadata.namespace ?? '';
    if (await this.#ctx.kube.getPvc(namespace, dv.metadata.name)) return;
    const storage = dv.spec.storage ?? dv.spec.pvc ?? {};
    const size = storage.resources?.requests?.storage ?? '10Gi';
    await this.#ctx.kube.createBoundPvc({
      metadata: {
        name: dv.metadata.name,
        namespace,
        labels: {
          app: 'containerized-data-importer',
          'app.kubernetes.io/component': 'storage',
        },
        ...(sourceSize
          ? { annotations: { [SOURCE_SIZE_ANNOTATION]: sourceSize } }
          : {}),
        ownerReferences: [
          controllerRef({
            ...dv,
            apiVersion: apiVersionOf(DATA_VOLUME),
            kind: DATA_VOLUME.kind,
          }),
        ],
      },
      spec: {
        accessModes: storage.accessModes ?? ['ReadWriteOnce'],
        resources: { requests: { storage: size } },
        ...(storage.volumeMode ? { volumeMode: storage.volumeMode } : {}),
        ...(storage.storageClassName
          ? { storageClassName: storage.storageClassName }
          : {}),
      },
      capacity: size,
    });
  }
}
