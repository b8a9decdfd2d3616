import { SimContext } from '../context';
import { objectRef } from '../events';
import { isDeleting, isOwnedBy, splitKey } from '../kube/objects';
import { apiVersionOf, VMI, VMIRS } from '../kube/resources';
import { WorkQueue } from '../kube/WorkQueue';
import { Random } from '../random';
import {
  childMetadata,
  deleteVictims,
  replicaQueue,
  syncReplicaStatus,
} from './replicas';
import {
  isFinal,
  isReady,
  VMI_FINALIZER,
  VmiObject,
  VmirsObject,
} from './types';

/** KubeVirt creates or deletes at most this many VMIs per sync (`BurstReplicas`). */
const BURST_REPLICAS = 250;

/**
 * Plays KubeVirt's VirtualMachineInstanceReplicaSet controller: keeps `spec.replicas` (default
 * 1) VMIs named `<replicaset>-<random5>` from the template (labels, annotations, spec) with an
 * owner reference, replaces finished (Failed/Succeeded) VMIs, scales in not-ready VMIs first
 * (then the youngest), and reports `replicas`, `readyReplicas` and `labelSelector` through the
 * status subresource.
 */
export class ReplicaSetController {
  readonly #ctx: SimContext;
  readonly #queue: WorkQueue;
  /** One name stream per replica set, so a seeded run names its VMIs alike. */
  readonly #names = new Map<string, Random>();

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
    this.#queue = replicaQueue(ctx, {
      name: 'vmirs',
      owners: ctx.informers.vmirs,
      children: ctx.informers.vmi,
      ownerKind: VMIRS.kind,
      reconcile: key => this.#reconcile(key),
    });
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  async #reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const rs = this.#ctx.informers.vmirs.get(namespace, name);
    if (!rs || isDeleting(rs)) return;
    const ref = objectRef(VMIRS.kind, namespace, name);
    // A live read, not the cache: the cache may not show VMIs created a moment ago yet.
    const owned = (await this.#ctx.kube.list<VmiObject>(VMI, namespace)).filter(
      vmi => isOwnedBy(vmi, rs.metadata.uid),
    );
    const finished = owned.filter(vmi => isFinal(vmi) && !isDeleting(vmi));
    for (const vmi of finished) {
      await this.#ctx.kube.delete(VMI, namespace, vmi.metadata.name);
      this.#ctx.events.record(
        'kubevirt',
        'vmi-replaced',
        `deleted finished VMI ${vmi.metadata.name} (${vmi.status?.phase})`,
        { object: ref },
      );
    }
    const active = owned.filter(vmi => !isFinal(vmi) && !isDeleting(vmi));
    const wanted = rs.spec.replicas ?? 1;
    const diff = rs.spec.paused ? 0 : wanted - active.length;

    if (diff > 0) {
      let random = this.#names.get(key);
      if (!random) {
        random = this.#ctx.random.fork(`vmirs/${key}`);
        this.#names.set(key, random);
      }
      const taken = new Set(owned.map(vmi => vmi.metadata.name));
      for (let i = 0; i < Math.min(diff, BURST_REPLICAS); i++) {
        let vmiName = `${name}-${random.nameSuffix()}`;
        while (taken.has(vmiName)) vmiName = `${name}-${random.nameSuffix()}`;
        taken.add(vmiName);
        const vmi = this.#newVmi(rs, vmiName);
        await this.#ctx.kube.create(VMI, vmi);
        active.push(vmi);
      }
      this.#ctx.events.record(
        'kubevirt',
        'vmirs-scaled-up',
        `created ${Math.min(diff, BURST_REPLICAS)} VMI(s), ${wanted} wanted`,
        { object: ref, data: { replicas: wanted } },
      );
    } else if (diff < 0) {
      const victims = [...active]
        .sort((a, b) => {
          const ready = Number(isReady(a)) - Number(isReady(b));
          if (ready !== 0) return ready;
          return (b.metadata.creationTimestamp ?? '').localeCompare(
            a.metadata.creationTimestamp ?? '',
          );
        })
        .slice(0, Math.min(-diff, BURST_REPLICAS));
      await deleteVictims(this.#ctx, VMI, namespace, active, victims, {
        reason: 'vmirs-scaled-down',
        ref,
        wanted,
      });
    }

    await syncReplicaStatus(this.#ctx, VMIRS, rs, active, isReady);
  }

  #newVmi(rs: VmirsObject, name: string): VmiObject {
    const template = rs.spec.template;
    return {
      apiVersion: apiVersionOf(VMI),
      kind: VMI.kind,
      metadata: {
        ...childMetadata(
          rs,
          { apiVersion: apiVersionOf(VMIRS), kind: VMIRS.kind },
          name,
          template,
        ),
        finalizers: [VMI_FINALIZER],
      },
      spec: structuredClone(template.spec),
    };
  }
}
