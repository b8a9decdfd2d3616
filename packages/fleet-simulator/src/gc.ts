import { SimContext } from './context';
import { objectRef } from './events';
import { KubeObject, OwnerReference, splitKey } from './kube/objects';
import {
  DATA_VOLUME,
  PVC,
  ResourceType,
  VM,
  VM_POOL,
  VMI,
  VMIRS,
} from './kube/resources';
import { Watched } from './kube/Watched';
import { WorkQueue } from './kube/WorkQueue';
import { describeError } from './kube/KubeClient';

/** The finalizer kube-apiserver's StorageObjectInUseProtection puts on every claim. */
const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
/** The finalizer kube-apiserver sets on an object deleted with `propagationPolicy: Foreground`. */
const FOREGROUND = 'foregroundDeletion';

/** Whether an object waits for the garbage collector to delete its dependents first. */
function inForegroundDeletion(object: KubeObject): boolean {
  return (
    !!object.metadata.deletionTimestamp &&
    (object.metadata.finalizers ?? []).includes(FOREGROUND)
  );
}

/**
 * Plays the garbage collector of kube-controller-manager for the objects the simulator's
 * controllers create (the test control plane runs no controllers): a dependent whose owners
 * are all gone is deleted — VMIs of a deleted replica set or VM, VMs of a deleted pool,
 * DataVolumes of a deleted VM, PersistentVolumeClaims of a deleted DataVolume. Owners of kinds
 * it does not know count as present. An owner deleted with `propagationPolicy: Foreground`
 * (finalizer `foregroundDeletion`) counts as gone for its dependents, and loses that finalizer
 * once they are all gone, as upstream's collector does. It also plays the pvc-protection
 * controller (deleted claims lose `kubernetes.io/pvc-protection`: no pod uses them).
 */
export class GarbageCollector {
  readonly #ctx: SimContext;
  readonly #queue: WorkQueue;
  readonly #owners: Map<
    string,
    { type: ResourceType; watch: Watched<KubeObject> }
  >;
  readonly #dependents: Array<{
    type: ResourceType;
    watch: Watched<KubeObject>;
  }>;
  #synced = false;

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
    const i = ctx.informers as unknown as Record<string, Watched<KubeObject>>;
    this.#owners = new Map([
      [VMIRS.kind, { type: VMIRS, watch: i.vmirs }],
      [VM_POOL.kind, { type: VM_POOL, watch: i.pool }],
      [VM.kind, { type: VM, watch: i.vm }],
      [DATA_VOLUME.kind, { type: DATA_VOLUME, watch: i.dataVolume }],
    ]);
    this.#dependents = [
      { type: VMI, watch: i.vmi },
      { type: VM, watch: i.vm },
      { type: DATA_VOLUME, watch: i.dataVolume },
      { type: PVC, watch: i.pvc },
    ];
    this.#queue = new WorkQueue({
      name: 'gc',
      clock: ctx.clock,
      reconcile: key => this.#check(key),
      onError: message => ctx.events.log('gc', message),
    });
    for (const [index, dependent] of this.#dependents.entries()) {
      dependent.watch.on((verb, object) => {
        if (
          verb !== 'delete' &&
          this.#synced &&
          object.metadata.ownerReferences?.length
        ) {
          this.#queue.add(
            `${index}|${object.metadata.namespace}/${object.metadata.name}`,
          );
        }
      });
    }
    // kube-controller-manager's pvc-protection controller: no pod uses a claim here (there are no
    // pods), so a deleted claim loses the finalizer the StorageObjectInUseProtection admission
    // plugin put on it, and goes.
    ctx.informers.pvc.on((verb, pvc) => {
      const finalizers = pvc.metadata.finalizers ?? [];
      if (
        verb === 'delete' ||
        !pvc.metadata.deletionTimestamp ||
        !finalizers.includes(PVC_PROTECTION)
      )
        return;
      ctx.kube
        .setPvcFinalizers(
          pvc.metadata.namespace ?? '',
          pvc.metadata.name,
          finalizers.filter(f => f !== PVC_PROTECTION),
          pvc.metadata.resourceVersion,
        )
        .catch(error =>
          ctx.events.log(
            'gc',
            `${objectRef(
              PVC.kind,
              pvc.metadata.namespace,
              pvc.metadata.name,
            )}: ${describeError(error)}`,
          ),
        );
    });
    for (const [kind, owner] of this.#owners) {
      owner.watch.on((verb, object) => {
        if (verb === 'delete') this.#ownerGone(object);
        else if (inForegroundDeletion(object)) {
          // Foreground deletion: dependents go first, then the owner's finalizer.
          this.#ownerGone(object);
          this.#queue.add(
            `owner|${kind}|${object.metadata.namespace}/${object.metadata.name}`,
          );
        }
      });
    }
    for (const dependent of this.#dependents) {
      dependent.watch.on((verb, object) => {
        if (verb !== 'delete') return;
        for (const ref of object.metadata.ownerReferences ?? []) {
          if (this.#owners.has(ref.kind)) {
            this.#queue.add(
              `owner|${ref.kind}|${object.metadata.namespace}/${ref.name}`,
            );
          }
        }
      });
    }
  }

  /** Checks every dependent once the caches are filled (owners deleted while nobody watched). */
  sweep(): void {
    this.#synced = true;
    for (const [index, dependent] of this.#dependents.entries()) {
      for (const object of dependent.watch.list()) {
        if (object.metadata.ownerReferences?.length) {
          this.#queue.add(
            `${index}|${object.metadata.namespace}/${object.metadata.name}`,
          );
        }
      }
    }
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  #ownerGone(owner: KubeObject): void {
    for (const [index, dependent] of this.#dependents.entries()) {
      for (const object of dependent.watch.list(owner.metadata.namespace)) {
        if (
          object.metadata.ownerReferences?.some(
            ref => ref.uid === owner.metadata.uid,
          )
        ) {
          this.#queue.add(
            `${index}|${object.metadata.namespace}/${object.metadata.name}`,
          );
        }
      }
    }
  }

  async #ownerExists(namespace: string, ref: OwnerReference): Promise<boolean> {
    const owner = this.#owners.get(ref.kind);
    if (!owner) return true;
    const cached = owner.watch.get(namespace, ref.name);
    if (cached?.metadata.uid === ref.uid) return !inForegroundDeletion(cached);
    // The cache may lag behind a just-created owner: ask the API server before deleting.
    const live = await this.#ctx.kube.get(owner.type, namespace, ref.name);
    return live?.metadata.uid === ref.uid && !inForegroundDeletion(live);
  }

  /** Removes the foreground finalizer of an owner once none of its dependents is left. */
  async #finishForeground(kind: string, objectKey: string): Promise<void> {
    const owner = this.#owners.get(kind);
    const { namespace, name } = splitKey(objectKey);
    const object = owner?.watch.get(namespace, name);
    if (!owner || !object || !inForegroundDeletion(object)) return;
    const uid = object.metadata.uid;
    const left = this.#dependents.some(d =>
      d.watch
        .list(namespace)
        .some(o => o.metadata.ownerReferences?.some(r => r.uid === uid)),
    );
    if (left) return;
    await this.#ctx.kube.patch(owner.type, namespace, name, {
      metadata: {
        finalizers: (object.metadata.finalizers ?? []).filter(
          f => f !== FOREGROUND,
        ),
        resourceVersion: object.metadata.resourceVersion,
      },
    });
    this.#ctx.events.record(
      'gc',
      'foreground-deletion-done',
      'dependents gone; foreground deletion finished',
      { object: objectRef(kind, namespace, name) },
    );
  }

  async #check(key: string): Promise<void> {
    if (key.startsWith('owner|')) {
      const [, kind, objectKey] = key.split('|');
      await this.#finishForeground(kind, objectKey);
      return;
    }
    const [index, objectKey] = key.split('|');
    const dependent = this.#dependents[Number(index)];
    const { namespace, name } = splitKey(objectKey);
    const object = dependent.watch.get(namespace, name);
    const refs = object?.metadata.ownerReferences ?? [];
    if (!object || refs.length === 0 || object.metadata.deletionTimestamp) {
      return;
    }
    for (const ref of refs) {
      if (await this.#ownerExists(namespace, ref)) return;
    }
    if (await this.#ctx.kube.delete(dependent.type, namespace, name)) {
      this.#ctx.events.record(
        'gc',
        'deleted-dependent',
        `owner ${refs
          .map(r => `${r.kind} ${r.name}`)
          .join(', ')} is gone; deleted`,
        { object: objectRef(dependent.type.kind, namespace, name) },
      );
    }
  }
}
