import { parseQuantity } from '../cdi/types';
import { SimContext } from '../context';
import { objectRef } from '../events';
import { KubeClient } from '../kube/KubeClient';
import { KubeObject } from '../kube/objects';
import { VMI } from '../kube/resources';
import { guestOs, VmiObject } from './types';

/** Annotation on a clone's PVC: the size of the disk it was cloned from (the golden image). */
export const SOURCE_SIZE_ANNOTATION = 'fleet-simulator/source-size';
/** Annotation on a Windows VMI: the size of C: and of the disk, as the guest sees them. */
export const GUEST_DISK_ANNOTATION = 'fleet-simulator/guest-disk';

/**
 * What a specialize script must run for C: to take the whole disk: a clone larger than its
 * golden image keeps the image's partition table, so without it the extra space stays
 * unallocated and C: keeps the image's size.
 */
const EXTENDS_C =
  /Resize-Partition\s+-DriveLetter\s+C\s+-Size\s+\(Get-PartitionSupportedSize\s+-DriveLetter\s+C\)\.SizeMax/;

/** What Windows Setup left on one disk after its specialize pass. */
export interface SpecializedDisk {
  /** The sysprep media as the specialize pass read them (config.toml with its token). */
  media: Record<string, string>;
  /** Bytes of the disk (the clone's PVC). */
  diskBytes: number;
  /** Bytes of C: after specialize. */
  cDriveBytes: number;
}

type SecretReader = Pick<KubeClient, 'secretData'>;

const GiB = 2 ** 30;

/**
 * Plays Windows' specialize-once: the specialize pass of a sysprep-generalised image runs on the
 * first boot of a disk only. What it wrote (config.toml, the runner token, the size of C:) stays
 * on that disk; a VMI restarted on the same clone boots the already-specialised system and never
 * reads the sysprep media again, so a changed config or a reset token reaches a Windows runner
 * only through a fresh clone. Disks are told apart by their PVC's uid; the record goes with the
 * PVC. Held in memory: a simulator restart forgets what was specialised.
 */
export class WindowsSpecialization {
  readonly #ctx: SimContext;
  readonly #disks = new Map<string, SpecializedDisk>();

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
    ctx.informers.pvc.on((verb, pvc) => {
      if (verb === 'delete') this.#disks.delete(pvc.metadata.uid ?? '');
    });
  }

  /** The PVC behind the VMI's boot disk (the first disk volume backed by a claim). */
  #rootPvc(vmi: VmiObject): KubeObject | undefined {
    const namespace = vmi.metadata.namespace ?? '';
    for (const volume of vmi.spec.volumes ?? []) {
      const claim =
        volume.dataVolume?.name ?? volume.persistentVolumeClaim?.claimName;
      if (claim) return this.#ctx.informers.pvc.get(namespace, claim);
    }
    return undefined;
  }

  /**
   * How the guest of `vmi` reads its sysprep media: on the first boot of its disk, from the
   * Secret as it is now (and that is kept as the disk's state); on every later boot, what the
   * disk was specialised with. Linux guests and VMIs without a cloned disk read the live Secret.
   */
  async guestView(vmi: VmiObject): Promise<SecretReader> {
    const kube = this.#ctx.kube;
    const sysprep = (vmi.spec.volumes ?? []).find(v => v.sysprep)?.sysprep
      ?.secret?.name;
    const pvc = this.#rootPvc(vmi);
    const uid = pvc?.metadata.uid;
    if (guestOs(vmi) !== 'windows' || !sysprep || !pvc || !uid) return kube;
    let disk = this.#disks.get(uid);
    const ref = objectRef(VMI.kind, vmi.metadata.namespace, vmi.metadata.name);
    if (!disk) {
      const media = await kube.secretData(
        vmi.metadata.namespace ?? '',
        sysprep,
      );
      if (!media) return kube;
      disk = this.#specialize(pvc, media);
      this.#disks.set(uid, disk);
      this.#ctx.events.record(
        'kubevirt',
        'guest-specialized',
        `first boot of ${
          pvc.metadata.name
        }: specialize ran from Secret ${sysprep}; C: is ${
          disk.cDriveBytes / GiB
        } GiB of a ${disk.diskBytes / GiB} GiB disk`,
        {
          object: ref,
          data: {
            cDriveGiB: disk.cDriveBytes / GiB,
            diskGiB: disk.diskBytes / GiB,
          },
        },
      );
    } else {
      this.#ctx.events.record(
        'kubevirt',
        'guest-already-specialized',
        `boots the already-specialised ${pvc.metadata.name}: Secret ${sysprep} is not read again`,
        { object: ref },
      );
    }
    await kube
      .patch(VMI, vmi.metadata.namespace ?? '', vmi.metadata.name, {
        metadata: {
          annotations: {
            [GUEST_DISK_ANNOTATION]: `C: ${disk.cDriveBytes / GiB} GiB, disk ${
              disk.diskBytes / GiB
            } GiB`,
          },
        },
      })
      .catch(() => undefined);
    const media = disk.media;
    return {
      secretData: async (namespace, name) =>
        name === sysprep ? { ...media } : kube.secretData(namespace, name),
    };
  }

  /** C: after the specialize pass: the whole disk if the script extends it, else the image's. */
  #specialize(pvc: KubeObject, media: Record<string, string>): SpecializedDisk {
    const status = pvc.status as
      | { capacity?: { storage?: string } }
      | undefined;
    const diskBytes = parseQuantity(status?.capacity?.storage) ?? 0;
    const sourceBytes =
      parseQuantity(pvc.metadata.annotations?.[SOURCE_SIZE_ANNOTATION]) ??
      diskBytes;
    const extended = Object.entries(media).some(
      ([key, text]) => key.endsWith('.ps1') && EXTENDS_C.test(text),
    );
    return {
      media: { ...media },
      diskBytes,
      cDriveBytes: extended ? diskBytes : Math.min(sourceBytes, diskBytes),
    };
  }
}
