import { LABELS } from '@runner-fleet/plugin-runners-common';
import {
  poolLabels,
  vmTemplateLabels,
  withTemplateHash,
  workloadSelector,
} from './labels';
import { JOB_DRAIN_SECONDS, RenderContext } from './names';
import { KubeObject } from './types';

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
 * The VMI spec of a Windows runner: the per-VM clone as boot disk, the sysprep Secret as CD-ROM,
 * Hyper-V enlightenments and the clock settings KubeVirt's Windows templates use.
 */
function windowsVmiSpec(ctx: RenderContext): Record<string, unknown> {
  const { flavor } = ctx.input;
  return {
    terminationGracePeriodSeconds: JOB_DRAIN_SECONDS,
    domain: {
      cpu: { cores: flavor.cpu },
      memory: { guest: `${flavor.memoryGiB}Gi` },
      resources: { requests: { cpu: `${flavor.cpu}` } },
      features: {
        acpi: {},
        apic: {},
        hyperv: { relaxed: {}, vapic: {}, spinlocks: { spinlocks: 8191 } },
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
 * (`dataVolumeTemplates` with a DataSource `sourceRef`, renamed `<name>-<index>` per VM by the
 * pool controller), so no VM ever sees another's state.
 *
 * Scale-in is ordered: `proactive.selectionPolicy.sortPolicy: DescendingOrder` removes the
 * highest index first, so the pool stays a dense `-0..-n` range, and `statePreservation:
 * Disabled` drops the removed VM's disk: every new VM starts from a fresh clone.
 * `spec.replicas` is left to KEDA, as for the Linux replica set (see `renderLinuxWorkload`).
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
        sourceRef: { kind: 'DataSource', ...goldenImageRef(flavor.image) },
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
  return withTemplateHash({
    apiVersion: 'pool.kubevirt.io/v1beta1',
    kind: 'VirtualMachinePool',
    metadata: {
      name: ctx.names.workload,
      namespace: ctx.namespace,
      labels: { ...poolLabels(ctx.input), [LABELS.role]: role },
    },
    spec: {
      selector: { matchLabels: workloadSelector(ctx.input, role) },
      scaleInStrategy: {
        proactive: {
          selectionPolicy: { sortPolicy: 'DescendingOrder' },
          statePreservation: 'Disabled',
        },
      },
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
