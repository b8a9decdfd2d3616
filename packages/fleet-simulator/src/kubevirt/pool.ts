import { SimContext } from '../context';
import { objectRef } from '../events';
import { isDeleting, isOwnedBy, splitKey } from '../kube/objects';
import { apiVersionOf, VM, VM_POOL } from '../kube/resources';
import { WorkQueue } from '../kube/WorkQueue';
import {
  childMetadata,
  deleteVictims,
  replicaQueue,
  syncReplicaStatus,
} from './replicas';
import { PoolObject, VmObject, VmSpec } from './types';

/** The index of a pool's VM, from its name `<pool>-<index>`. */
export function poolIndex(
  poolName: string,
  vmName: string,
): number | undefined {
  const match = /^(.*)-(\d+)$/.exec(vmName);
  return match && match[1] === poolName ? Number(match[2]) : undefined;
}

/**
 * The VM spec for one index, as KubeVirt's pool controller derives it: every
 * `dataVolumeTemplates` entry is renamed `<name>-<index>` (and the volumes that use it follow),
 * and with `nameGeneration` the Secret and ConfigMap references get the index too.
 */
export function indexedVmSpec(pool: PoolObject, index: number): VmSpec {
  const spec = structuredClone(pool.spec.virtualMachineTemplate.spec);
  const suffix = (name: string) => `${name}-${index}`;
  const renamed = new Map<string, string>();
  for (const dvt of spec.dataVolumeTemplates ?? []) {
    renamed.set(dvt.metadata.name, suffix(dvt.metadata.name));
    dvt.metadata.name = suffix(dvt.metadata.name);
  }
  const secrets = pool.spec.nameGeneration?.appendIndexToSecretRefs ?? false;
  const configMaps =
    pool.spec.nameGeneration?.appendIndexToConfigMapRefs ?? false;
  for (const volume of spec.template.spec.volumes ?? []) {
    if (volume.dataVolume && renamed.has(volume.dataVolume.name)) {
      volume.dataVolume.name = renamed.get(volume.dataVolume.name) as string;
    }
    const claim = volume.persistentVolumeClaim;
    if (claim && renamed.has(claim.claimName)) {
      claim.claimName = renamed.get(claim.claimName) as string;
    }
    if (secrets) {
      const cloudInit = volume.cloudInitNoCloud ?? volume.cloudInitConfigDrive;
      if (cloudInit?.secretRef)
        cloudInit.secretRef.name = suffix(cloudInit.secretRef.name);
      if (volume.sysprep?.secret)
        volume.sysprep.secret.name = suffix(volume.sysprep.secret.name);
      if (volume.secret)
        volume.secret.secretName = suffix(volume.secret.secretName);
    }
    if (configMaps && volume.sysprep?.configMap) {
      volume.sysprep.configMap.name = suffix(volume.sysprep.configMap.name);
    }
  }
  return spec;
}

/**
 * Plays KubeVirt's VirtualMachinePool controller: VMs `<pool>-<index>` filling the lowest free
 * indexes, scale-in from the highest index down (the product's `DescendingOrder`; also used when
 * no policy is set), status `replicas`, `readyReplicas` and `labelSelector`.
 */
export class PoolController {
  readonly #ctx: SimContext;
  readonly #queue: WorkQueue;

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
    this.#queue = replicaQueue(ctx, {
      name: 'vmpool',
      owners: ctx.informers.pool,
      children: ctx.informers.vm,
      ownerKind: VM_POOL.kind,
      reconcile: key => this.#reconcile(key),
    });
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  async #reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pool = this.#ctx.informers.pool.get(namespace, name);
    if (!pool || isDeleting(pool)) return;
    const ref = objectRef(VM_POOL.kind, namespace, name);
    const owned = (await this.#ctx.kube.list<VmObject>(VM, namespace)).filter(
      vm => isOwnedBy(vm, pool.metadata.uid),
    );
    const active = owned.filter(vm => !isDeleting(vm));
    const wanted = pool.spec.replicas ?? 1;
    // As upstream's calcDiff: a VM being deleted still counts and keeps its name, so a replaced
    // VM (deleted in the foreground, draining) comes back under its index only once it and its
    // disk are gone — always as a fresh VM with a fresh clone.
    const diff = pool.spec.paused ? 0 : wanted - owned.length;
    if (diff > 0) {
      const used = new Set(owned.map(vm => poolIndex(name, vm.metadata.name)));
      const created: string[] = [];
      for (let index = 0; created.length < diff; index++) {
        if (used.has(index)) continue;
        const vm = this.#newVm(pool, index);
        await this.#ctx.kube.create(VM, vm);
        active.push(vm);
        owned.push(vm);
        created.push(vm.metadata.name);
      }
      this.#ctx.events.record(
        'kubevirt',
        'pool-scaled-up',
        `created ${created.join(', ')}, ${wanted} wanted`,
        { object: ref, data: { replicas: wanted } },
      );
    } else if (diff < 0) {
      const victims = [...active]
        .sort(
          (a, b) =>
            (poolIndex(name, b.metadata.name) ?? -1) -
            (poolIndex(name, a.metadata.name) ?? -1),
        )
        .slice(0, -diff);
      await deleteVictims(this.#ctx, VM, namespace, active, victims, {
        reason: 'pool-scaled-down',
        ref,
        wanted,
      });
    }
    await syncReplicaStatus(
      this.#ctx,
      VM_POOL,
      pool,
      active,
      vm => vm.status?.ready === true,
    );
  }

  #newVm(pool: PoolObject, index: number): VmObject {
    const template = pool.spec.virtualMachineTemplate;
    return {
      apiVersion: apiVersionOf(VM),
      kind: VM.kind,
      metadata: childMetadata(
        pool,
        {
          apiVersion: pool.apiVersion ?? apiVersionOf(VM_POOL),
          kind: VM_POOL.kind,
        },
        `${pool.metadata.name}-${index}`,
        template,
      ),
      spec: indexedVmSpec(pool, index),
    };
  }
}
