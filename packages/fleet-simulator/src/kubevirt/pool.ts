import { SimContext } from '../context';
import { objectRef } from '../events';
import { formatLabelSelector } from '../kube/labelSelector';
import {
  controllerOf,
  controllerRef,
  isDeleting,
  isOwnedBy,
  keyOf,
  splitKey,
  stableJson,
} from '../kube/objects';
import { apiVersionOf, VM, VM_POOL } from '../kube/resources';
import { WorkQueue } from '../kube/WorkQueue';
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
    this.#queue = new WorkQueue({
      name: 'vmpool',
      clock: ctx.clock,
      reconcile: key => this.#reconcile(key),
      onError: message => ctx.events.log('kubevirt', message),
    });
    ctx.informers.pool.on((verb, pool) => {
      if (verb !== 'delete') this.#queue.add(keyOf(pool));
    });
    ctx.informers.vm.on((_verb, vm) => {
      const owner = controllerOf(vm);
      if (owner?.kind === VM_POOL.kind) {
        this.#queue.add(`${vm.metadata.namespace}/${owner.name}`);
      }
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
    const active = (await this.#ctx.kube.list<VmObject>(VM, namespace)).filter(
      vm => isOwnedBy(vm, pool.metadata.uid) && !isDeleting(vm),
    );
    const wanted = pool.spec.replicas ?? 1;
    const diff = pool.spec.paused ? 0 : wanted - active.length;
    if (diff > 0) {
      const used = new Set(active.map(vm => poolIndex(name, vm.metadata.name)));
      const created: string[] = [];
      for (let index = 0; created.length < diff; index++) {
        if (used.has(index)) continue;
        const vm = this.#newVm(pool, index);
        await this.#ctx.kube.create(VM, vm);
        active.push(vm);
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
      for (const vm of victims) {
        await this.#ctx.kube.delete(VM, namespace, vm.metadata.name);
      }
      this.#ctx.events.record(
        'kubevirt',
        'pool-scaled-down',
        `deleted ${victims
          .map(v => v.metadata.name)
          .join(', ')}, ${wanted} wanted`,
        { object: ref, data: { replicas: wanted } },
      );
      const gone = new Set(victims.map(v => v.metadata.name));
      active.splice(
        0,
        active.length,
        ...active.filter(v => !gone.has(v.metadata.name)),
      );
    }
    const status = {
      replicas: active.length,
      readyReplicas: active.filter(vm => vm.status?.ready === true).length,
      labelSelector: formatLabelSelector(pool.spec.selector),
    };
    const current = {
      replicas: pool.status?.replicas ?? 0,
      readyReplicas: pool.status?.readyReplicas ?? 0,
      labelSelector: pool.status?.labelSelector ?? '',
    };
    if (stableJson(status) !== stableJson(current)) {
      await this.#ctx.kube.patchStatus(VM_POOL, namespace, name, status);
    }
  }

  #newVm(pool: PoolObject, index: number): VmObject {
    const template = pool.spec.virtualMachineTemplate;
    return {
      apiVersion: apiVersionOf(VM),
      kind: VM.kind,
      metadata: {
        name: `${pool.metadata.name}-${index}`,
        namespace: pool.metadata.namespace,
        labels: { ...template.metadata?.labels },
        ...(template.metadata?.annotations
          ? { annotations: { ...template.metadata.annotations } }
          : {}),
        ownerReferences: [
          controllerRef({
            ...pool,
            apiVersion: pool.apiVersion ?? apiVersionOf(VM_POOL),
            kind: VM_POOL.kind,
          }),
        ],
      },
      spec: indexedVmSpec(pool, index),
    };
  }
}
