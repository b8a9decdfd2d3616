import { LABELS, MANAGER } from '@runner-fleet/plugin-runners-common';
import { ClusterClient } from './ClusterClient';
import { KubeObject, objectKey, renderedKinds, servedKind } from './render';

/**
 * Pool-scoped objects on the clusters, grouped by pool id and cluster name. Secrets are not
 * here: they come from the watch cache without values, or by name (see PoolObjects.secrets).
 */
export class LiveObjects {
  readonly #byPool = new Map<string, Map<string, KubeObject[]>>();

  /** Lists what runner-fleet manages, one call per kind and cluster (or per pool). */
  static async load(
    clusters: ClusterClient[],
    poolId?: string,
  ): Promise<LiveObjects> {
    const live = new LiveObjects();
    const labels: Record<string, string> = poolId
      ? { [LABELS.managedBy]: MANAGER, [LABELS.pool]: poolId }
      : { [LABELS.managedBy]: MANAGER };
    await Promise.all(
      clusters.flatMap(cluster =>
        renderedKinds
          .filter(kind => kind.scope === 'pool' && kind.kind !== 'Secret')
          // A kind the cluster does not serve holds nothing of ours (a Linux-only cluster
          // without VirtualMachinePools); listing it would fail every pass.
          .filter(
            kind =>
              !cluster.apis?.report.missing.some(m => m.kind === kind.kind),
          )
          .map(kind => servedKind(kind, cluster.apis?.vmPoolVersion))
          .map(async kind => {
            for (const object of await cluster.list(kind, labels)) {
              live.#add(cluster.name, object);
            }
          }),
      ),
    );
    return live;
  }

  #add(cluster: string, object: KubeObject) {
    const pool = object.metadata.labels?.[LABELS.pool];
    if (!pool) return;
    const clusters = this.#byPool.get(pool) ?? new Map<string, KubeObject[]>();
    clusters.set(cluster, [...(clusters.get(cluster) ?? []), object]);
    this.#byPool.set(pool, clusters);
  }

  /** The pool's objects on a cluster, by {@link objectKey}. */
  of(poolId: string, cluster: string): Map<string, KubeObject> {
    const objects = this.#byPool.get(poolId)?.get(cluster) ?? [];
    return new Map(objects.map(o => [objectKey(o), o]));
  }

  /** Pool ids that have objects on any cluster. */
  poolIds(): string[] {
    return [...this.#byPool.keys()];
  }
}
