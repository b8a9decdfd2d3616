import { LABELS } from '@runner-fleet/plugin-runners-common';
import {
  poolLabels,
  vmTemplateLabels,
  withTemplateHash,
  workloadSelector,
} from './labels';
import { JOB_DRAIN_SECONDS, RenderContext } from './names';
import { GoldenImageSource, GuestFirmware, KubeObject } from './types';

/** Splits a Windows flavor image, `<namespace>/<DataSource name>`. */
export function goldenImageRef(image: string): {
  namespace: string;
  name: string;
} {
  const parts = image.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new Error(
      `Windows flavor image '${image}' must be '<namespace>/<DataSource name>' of the golden image`,
    );
  }
  return { namespace: parts[0], name: parts[1] };
}

/**
 * Where each VM's disk is cloned from. A pinned version is cloned directly (`source.pvc` or
 * `source.snapshot`): CDI resolves a DataVolume's DataSource `sourceRef` when it creates the
 * clone, so with a `sourceRef` a VM created after the DataSource moved would get the new image
 * while its siblings run the old one. The pin is in the VM template, hence in its hash: moving
 * it rolls the pool (fresh clones). Unpinned (the DataSource has no source yet), the template
 * keeps the `sourceRef` and the clones wait for the source, as CDI reports.
 */
function cloneSource(
  image: string,
  pinned: GoldenImageSource | undefined,
): Record<string, unknown> {
  const ref = goldenImageRef(image);
  if (!pinned) return { sourceRef: { kind: 'DataSource', ...ref } };
  return {
    source: {
      [pinned.kind]: { namespace: pinned.namespace, name: pinned.name },
    },
  };
}

/**
 * The firmware parts of the domain for the golden image's boot mode. BIOS renders nothing
 * (KubeVirt's default). EFI states `secureBoot` explicitly because KubeVirt defaults it to true;
 * secure boot needs SMM, or KubeVirt's admission rejects the VM. The TPM is not persistent: every
 * runner VM starts from a fresh clone, so there is no state worth keeping (and persistence would
 * need a VM state storage class).
 */
function firmwareParts(firmware: GuestFirmware = { type: 'bios' }): {
  firmware?: Record<string, unknown>;
  features: Record<string, unknown>;
  devices: Record<string, unknown>;
} {
  if (firmware.type === 'bios') return { features: {}, devices: {} };
  return {
    firmware: {
      bootloader: { efi: { secureBoot: firmware.secureBoot } },
    },
    features: firmware.secureBoot ? { smm: { enabled: true } } : {},
    devices: firmware.tpm ? { tpm: {} } : {},
  };
}

/**
 * The VMI spec of a Windows runner: the per-VM clone as boot disk, the sysprep Secret as CD-ROM,
 * Hyper-V enlightenments and the clock settings KubeVirt's Windows templates use, and the
 * golden image's firmware.
 */
function windowsVmiSpec(ctx: RenderContext): Record<string, unknown> {
  const { flavor } = ctx.input;
  const boot = firmwareParts(ctx.input.firmware);
  return {
    terminationGracePeriodSeconds: JOB_DRAIN_SECONDS,
    domain: {
      cpu: { cores: flavor.cpu },
      memory: { guest: `${flavor.memoryGiB}Gi` },
      resources: { requests: { cpu: `${flavor.cpu}` } },
      ...(boot.firmware ? { firmware: boot.firmware } : {}),
      features: {
        acpi: {},
        apic: {},
        hyperv: { relaxed: {}, vapic: {}, spinlocks: { spinlocks: 8191 } },
        ...boot.features,
      },
      clock: {
        utc: {},
        timer: {
          hpet: { present: false },
          pit: { tickPolicy: 'delay' },
          rtc: { tickPolicy: 'catchup' },
          hyperv: {},
        },
      },
      devices: {
        disks: [
          { name: 'rootdisk', disk: { bus: 'virtio' }, bootOrder: 1 },
          { name: 'sysprep', cdrom: { bus: 'sata' } },
        ],
        interfaces: [{ name: 'default', masquerade: {} }],
        ...boot.devices,
      },
    },
    networks: [{ name: 'default', pod: {} }],
    volumes: [
      { name: 'rootdisk', dataVolume: { name: ctx.names.rootDisk } },
      {
        name: 'sysprep',
        sysprep: { secret: { name: ctx.names.sysprepSecret } },
      },
    ],
  };
}

/**
 * The `VirtualMachinePool` of a Windows pool. Each VM gets its own clone of the golden image
 * (`dataVolumeTemplates` of the pinned version, see `cloneSource`; renamed `<name>-<index>` per
 * VM by the pool controller), so no VM ever sees another's state.
 *
 * Scale-in is ordered: `proactive.selectionPolicy.sortPolicy: DescendingOrder` removes the
 * highest index first, so the pool stays a dense `-0..-n` range, and `statePreservation:
 * Disabled` drops the removed VM's disk: every new VM starts from a fresh clone.
 * `spec.replicas` is left to KEDA, as for the Linux replica set (see `renderLinuxWorkload`).
 *
 * `updateStrategy: unmanaged` (KubeVirt 1.7+): the pool controller never updates or restarts
 * existing VMs when the template changes; only VMs it creates afterwards get the new template.
 *
 * Where a cluster serves only `pool.kubevirt.io/v1alpha1` (KubeVirt 1.5 and 1.6), the pool is
 * rendered in that version without `scaleInStrategy` or `updateStrategy` (neither exists there): 1.5's v1alpha1 has no such field (its
 * structural schema would reject the apply) and 1.6's knows only `basePolicy`, which discovery
 * cannot tell apart from 1.5. Those releases then scale in at random; the guest's drain keeps a
 * removed busy VM's job alive either way.
 *
 * @param bootSecretHash - template hash of the sysprep Secret, part of the VM template hash.
 */
export function renderWindowsWorkload(
  ctx: RenderContext,
  bootSecretHash: string,
): KubeObject {
  const { flavor } = ctx.input;
  const role = 'primary';
  const dataVolumeTemplates = [
    {
      metadata: { name: ctx.names.rootDisk },
      spec: {
        ...cloneSource(flavor.image, ctx.input.goldenImage),
        storage: {
          resources: { requests: { storage: `${flavor.diskGiB}Gi` } },
        },
      },
    },
  ];
  const spec = windowsVmiSpec(ctx);
  const labels = vmTemplateLabels(ctx, role, {
    dataVolumeTemplates,
    spec,
    bootSecretHash,
  });
  const version = ctx.input.cluster.vmPoolVersion ?? 'v1beta1';
  const strategies =
    version === 'v1beta1'
      ? {
          scaleInStrategy: {
            proactive: {
              selectionPolicy: { sortPolicy: 'DescendingOrder' },
              statePreservation: 'Disabled',
            },
          },
          // Upstream's default is a proactive update with maxUnavailable 100%: a template change
          // would restart every VM at once, killing running jobs, and a restart does not even
          // apply it (Windows specialises a clone once). `unmanaged` leaves running VMs alone;
          // the rollout replaces them one by one with fresh clones (`replaceRunnerVm`).
          updateStrategy: { unmanaged: {} },
        }
      : {};
  return withTemplateHash({
    apiVersion: `pool.kubevirt.io/${version}`,
    kind: 'VirtualMachinePool',
    metadata: {
      name: ctx.names.workload,
      namespace: ctx.namespace,
      labels: { ...poolLabels(ctx.input), [LABELS.role]: role },
    },
    spec: {
      selector: { matchLabels: workloadSelector(ctx.input, role) },
      ...strategies,
      virtualMachineTemplate: {
        metadata: { labels },
        spec: {
          runStrategy: 'Always',
          dataVolumeTemplates,
          template: { metadata: { labels }, spec },
        },
      },
    },
  });
}
