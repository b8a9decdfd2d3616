import { DataVolumeObject } from '../cdi/types';
import { SimContext } from '../context';
import { objectRef } from '../events';
import { statusOf } from '../kube/KubeClient';
import {
  controllerOf,
  controllerRef,
  isDeleting,
  isOwnedBy,
  keyOf,
  setCondition,
  splitKey,
  stableJson,
} from '../kube/objects';
import { apiVersionOf, DATA_VOLUME, VM, VMI } from '../kube/resources';
import { kubevirtFirmwareUuid } from './firmwareUuid';
import { WorkQueue } from '../kube/WorkQueue';
import {
  isFinal,
  isReady,
  VMI_FINALIZER,
  VmiObject,
  VmiSpec,
  VmObject,
} from './types';

/**
 * The VMI's SMBIOS system UUID, as KubeVirt's VM controller sets it: the template's
 * `firmware.uuid` if given, else a UUIDv5 of the VM name ({@link kubevirtFirmwareUuid}). Every
 * VM of a pool has its own name, so its own UUID; other firmware settings (EFI, secure boot) stay.
 */
function withFirmwareUuid(spec: VmiSpec, vmName: string): VmiSpec {
  const domain = spec.domain ?? {};
  if (domain.firmware?.uuid) return spec;
  return {
    ...spec,
    domain: {
      ...domain,
      firmware: { ...domain.firmware, uuid: kubevirtFirmwareUuid(vmName) },
    },
  };
}

/** Run strategies under which the VM controller keeps a VMI running. */
const RUNNING_STRATEGIES = new Set(['Always', 'RerunOnFailure', 'Once']);

/**
 * Plays KubeVirt's VirtualMachine controller: creates the VM's DataVolumes from
 * `dataVolumeTemplates` (owned by the VM), starts the VMI (same name, owned by the VM) once every
 * disk has Succeeded, restarts a finished VMI per `runStrategy`, and reports `printableStatus`,
 * `ready`, `created` and the Ready condition through the status subresource.
 */
export class VirtualMachineController {
  readonly #ctx: SimContext;
  readonly #queue: WorkQueue;

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue({
      name: 'vm',
      clock: ctx.clock,
      reconcile: key => this.#reconcile(key),
      onError: message => ctx.events.log('kubevirt', message),
    });
    ctx.informers.vm.on((verb, vm) => {
      if (verb !== 'delete') this.#queue.add(keyOf(vm));
    });
    const byOwner = (_verb: string, child: VmiObject | DataVolumeObject) => {
      const owner = controllerOf(child);
      if (owner?.kind === VM.kind) {
        this.#queue.add(`${child.metadata.namespace}/${owner.name}`);
      }
    };
    ctx.informers.vmi.on(byOwner);
    ctx.informers.dataVolume.on(byOwner);
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  async #reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const vm = this.#ctx.informers.vm.get(namespace, name);
    if (!vm || isDeleting(vm)) return;
    const ref = objectRef(VM.kind, namespace, name);
    const owner = controllerRef({
      ...vm,
      apiVersion: apiVersionOf(VM),
      kind: VM.kind,
    });

    const disks: DataVolumeObject[] = [];
    for (const template of vm.spec.dataVolumeTemplates ?? []) {
      let dv = this.#ctx.informers.dataVolume.get(
        namespace,
        template.metadata.name,
      );
      if (!dv) {
        dv = {
          metadata: {
            name: template.metadata.name,
            namespace,
            ...(template.metadata.labels
              ? { labels: { ...template.metadata.labels } }
              : {}),
            ...(template.metadata.annotations
              ? { annotations: { ...template.metadata.annotations } }
              : {}),
            ownerReferences: [owner],
          },
          spec: structuredClone(template.spec),
        };
        try {
          await this.#ctx.kube.create(DATA_VOLUME, dv);
          this.#ctx.events.record(
            'kubevirt',
            'datavolume-created',
            `created DataVolume ${dv.metadata.name}`,
            { object: ref },
          );
        } catch (error) {
          if (statusOf(error) !== 409) throw error;
        }
      }
      disks.push(dv);
    }
    const disksReady = disks.every(dv => dv.status?.phase === 'Succeeded');
    const strategy =
      vm.spec.runStrategy ?? (vm.spec.running ? 'Always' : 'Halted');
    const wantRunning = RUNNING_STRATEGIES.has(strategy);

    let vmi = await this.#ctx.kube.get<VmiObject>(VMI, namespace, name);
    if (vmi && !isOwnedBy(vmi, vm.metadata.uid)) {
      this.#ctx.events.log(
        'kubevirt',
        `${ref}: VMI ${name} exists but is not owned by this VM`,
      );
      return;
    }
    if (vmi && !isDeleting(vmi)) {
      const restart =
        isFinal(vmi) &&
        (strategy === 'Always' ||
          (strategy === 'RerunOnFailure' && vmi.status?.phase === 'Failed'));
      if (restart || !wantRunning) {
        await this.#ctx.kube.delete(VMI, namespace, name);
        this.#ctx.events.record(
          'kubevirt',
          restart ? 'vm-restarting' : 'vm-stopping',
          restart
            ? `VMI ${vmi.status?.phase}; restarting (${strategy})`
            : `stopping (${strategy})`,
          { object: ref },
        );
        vmi = undefined;
      }
    } else if (!vmi && wantRunning && disksReady) {
      vmi = {
        apiVersion: apiVersionOf(VMI),
        kind: VMI.kind,
        metadata: {
          name,
          namespace,
          labels: { ...vm.spec.template.metadata?.labels },
          ...(vm.spec.template.metadata?.annotations
            ? { annotations: { ...vm.spec.template.metadata.annotations } }
            : {}),
          ownerReferences: [owner],
          finalizers: [VMI_FINALIZER],
        },
        spec: withFirmwareUuid(structuredClone(vm.spec.template.spec), name),
      };
      await this.#ctx.kube.create(VMI, vmi);
      this.#ctx.events.record(
        'kubevirt',
        'vm-started',
        'disks ready; created VMI',
        { object: ref },
      );
    }
    await this.#writeStatus(vm, vmi, disks, disksReady, wantRunning);
  }

  async #writeStatus(
    vm: VmObject,
    vmi: VmiObject | undefined,
    disks: DataVolumeObject[],
    disksReady: boolean,
    wantRunning: boolean,
  ): Promise<void> {
    const now = this.#ctx.clock.kubeTime();
    let printableStatus = 'Stopped';
    if (vmi && isDeleting(vmi)) printableStatus = 'Stopping';
    else if (vmi?.status?.phase === 'Running') printableStatus = 'Running';
    else if (vmi) printableStatus = 'Starting';
    else if (wantRunning && !disksReady) {
      printableStatus = disks.some(dv => dv.status?.phase === 'Failed')
        ? 'DataVolumeError'
        : 'Provisioning';
    } else if (wantRunning) printableStatus = 'Starting';
    const ready = vmi ? isReady(vmi) : false;
    const status = {
      printableStatus,
      ready,
      created: Boolean(vmi),
      runStrategy:
        vm.spec.runStrategy ?? (vm.spec.running ? 'Always' : 'Halted'),
      conditions: setCondition(
        vm.status?.conditions,
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          ...(ready
            ? {}
            : {
                reason: vmi ? 'GuestNotRunning' : 'VMINotExists',
                message: vmi
                  ? 'Guest VM is not reported as running'
                  : 'VMI does not exist',
              }),
          lastProbeTime: null,
        },
        now,
      ),
    };
    const current = { ...vm.status };
    if (stableJson({ ...current, ...status }) !== stableJson(current)) {
      await this.#ctx.kube.patchStatus(
        VM,
        vm.metadata.namespace ?? '',
        vm.metadata.name,
        status,
      );
    }
  }
}
