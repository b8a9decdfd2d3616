import { PoolRecord } from '../database/PoolStore';
import { ClusterClient } from './ClusterClient';
import { PassPool } from './PassPool';
import { GoldenImageSource, goldenImageRef, KubeObject } from './render';

type SourceRef = { namespace?: string; name?: string };
type DataSourceSource = {
  pvc?: SourceRef;
  snapshot?: SourceRef;
  dataSource?: SourceRef;
};

/**
 * The version a golden image DataSource names now: its `spec.source.pvc` or
 * `spec.source.snapshot` (namespace defaulting to the DataSource's, as CDI does). A DataSource
 * that refers to another DataSource is resolved through `status.source`, where CDI's DataSource
 * controller records the source it resolved. Undefined when there is nothing to clone yet.
 *
 * @param image - the flavor's image, `<namespace>/<DataSource name>`
 */
export function resolveGoldenImage(
  image: string,
  dataSource: KubeObject | undefined,
): GoldenImageSource | undefined {
  if (!dataSource) return undefined;
  const ref = goldenImageRef(image);
  const of = (source: DataSourceSource | undefined) => {
    for (const kind of ['pvc', 'snapshot'] as const) {
      const found = source?.[kind];
      if (found?.name) {
        return {
          dataSource: image,
          kind,
          namespace: found.namespace || ref.namespace,
          name: found.name,
        };
      }
    }
    return undefined;
  };
  const spec = dataSource.spec as { source?: DataSourceSource } | undefined;
  const status = dataSource.status as { source?: DataSourceSource } | undefined;
  return spec?.source?.dataSource ? of(status?.source) : of(spec?.source);
}

/** A version as people read it: `pvc runner-fleet-images/windows-2022-v2`. */
export function describeGoldenImage(source: GoldenImageSource): string {
  return `${source.kind} ${source.namespace}/${source.name}`;
}

/** The same version (the DataSource it came from included). */
export function sameGoldenImage(
  a: GoldenImageSource | undefined,
  b: GoldenImageSource | undefined,
): boolean {
  return (
    a?.dataSource === b?.dataSource &&
    a?.kind === b?.kind &&
    a?.namespace === b?.namespace &&
    a?.name === b?.name
  );
}

/**
 * Whether a ready Windows pool's pinned version is older than what its DataSource names now (a
 * new golden image version was published): the reason code and sentence its status then shows.
 */
export function goldenImageOutdated(
  pool: Pick<PoolRecord, 'flavor' | 'goldenImage'>,
  dataSource: KubeObject | undefined,
): { code: 'GoldenImageOutdated'; reason: string } | undefined {
  if (pool.flavor.os !== 'windows') return undefined;
  const pin = pool.goldenImage;
  const current = resolveGoldenImage(pool.flavor.image, dataSource);
  if (!pin) {
    return {
      code: 'GoldenImageOutdated',
      reason: `ready, but not pinned to a golden image version: its VMs clone whatever the DataSource ${
        pool.flavor.image
      } names when each is created${
        current ? ` (${describeGoldenImage(current)} now)` : ''
      }; a fleet rollout of flavor ${
        pool.flavor.name
      } pins it (POST /fleet/rollouts)`,
    };
  }
  if (pin.dataSource !== pool.flavor.image) return undefined;
  if (!current || sameGoldenImage(pin, current)) return undefined;
  return {
    code: 'GoldenImageOutdated',
    reason: `ready on golden image version ${describeGoldenImage(
      pin,
    )}; the DataSource ${pool.flavor.image} names ${describeGoldenImage(
      current,
    )} now: a fleet rollout of flavor ${
      pool.flavor.name
    } moves the pool to it (POST /fleet/rollouts)`,
  };
}

/** The pool's golden image DataSource as it is on `cluster` now. */
export function readGoldenImage(
  cluster: Pick<ClusterClient, 'get'>,
  pool: { flavor: Pick<PoolRecord['flavor'], 'image'> },
): Promise<KubeObject | undefined> {
  return cluster.get({
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataSource',
    metadata: goldenImageRef(pool.flavor.image),
  });
}

/** Whether a VirtualMachinePool's VMs clone through a DataSource `sourceRef` (unpinned). */
export function clonesThroughDataSource(vmPool: KubeObject): boolean {
  const spec = vmPool.spec as
    | {
        virtualMachineTemplate?: {
          spec?: {
            dataVolumeTemplates?: Array<{ spec?: { sourceRef?: unknown } }>;
          };
        };
      }
    | undefined;
  return (spec?.virtualMachineTemplate?.spec?.dataVolumeTemplates ?? []).some(
    t => t.spec?.sourceRef !== undefined,
  );
}

/**
 * Pins a Windows pool to the version its DataSource names now, when it has no pin of that
 * DataSource yet: a new pool, or one whose flavor moved to another golden image. A pinned pool
 * keeps its version: a DataSource that moves later changes nothing until a rollout moves the
 * pin (see `FleetRollouts`). A pool whose VirtualMachinePool already clones through the
 * DataSource (created before pinning existed, or before its DataSource had a source) is not
 * pinned here: pinning changes its VM template, so every such pool would re-clone its VMs at
 * once; a fleet rollout of its flavor pins it under the canary and the VM limit instead.
 * Written through the pass, so a concurrent change wins.
 *
 * @param workload - the pool's VirtualMachinePool on the primary cluster, if it exists
 */
export async function pinGoldenImage(
  pass: PassPool,
  cluster: Pick<ClusterClient, 'get'>,
  workload: KubeObject | undefined,
): Promise<void> {
  const pool = pass.record;
  if (pool.flavor.os !== 'windows') return;
  if (pool.goldenImage?.dataSource === pool.flavor.image) return;
  if (!pool.goldenImage && workload && clonesThroughDataSource(workload))
    return;
  const current = resolveGoldenImage(
    pool.flavor.image,
    await readGoldenImage(cluster, pool),
  );
  if (!current) return;
  await pass.write({ goldenImage: current });
}
