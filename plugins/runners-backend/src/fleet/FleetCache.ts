import { toError } from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { LABELS } from '@runner-fleet/plugin-runners-common';
import type { ClusterApiReport } from '../provisioning/apiVersions';
import {
  RawObject,
  trimStatus,
  trimVmi,
  trimWorkload,
} from '../provisioning/cache/trim';
import { TrimmedWatch } from '../provisioning/cache/TrimmedWatch';
import type { KubeObject } from '../provisioning/render';

/** A kind the fleet cache watches. */
export interface WatchedKind {
  key: WatchedKindKey;
  /** The Kubernetes kind, as the served-API check names it. */
  kind: string;
  group: string;
  version: string;
  plural: string;
}

/** The kinds the health view is built from. */
export type WatchedKindKey =
  | 'replicaSets'
  | 'vmPools'
  | 'virtualMachines'
  | 'vmis'
  | 'dataVolumes'
  | 'scaledObjects';

/** What runner-fleet watches: workloads, their VMs and disks, and the scalers. */
export const WATCHED_KINDS: readonly WatchedKind[] = [
  {
    key: 'replicaSets',
    kind: 'VirtualMachineInstanceReplicaSet',
    group: 'kubevirt.io',
    version: 'v1',
    plural: 'virtualmachineinstancereplicasets',
  },
  {
    key: 'vmPools',
    kind: 'VirtualMachinePool',
    group: 'pool.kubevirt.io',
    version: 'v1beta1',
    plural: 'virtualmachinepools',
  },
  {
    key: 'virtualMachines',
    kind: 'VirtualMachine',
    group: 'kubevirt.io',
    version: 'v1',
    plural: 'virtualmachines',
  },
  {
    key: 'vmis',
    kind: 'VirtualMachineInstance',
    group: 'kubevirt.io',
    version: 'v1',
    plural: 'virtualmachineinstances',
  },
  {
    key: 'dataVolumes',
    kind: 'DataVolume',
    group: 'cdi.kubevirt.io',
    version: 'v1beta1',
    plural: 'datavolumes',
  },
  {
    key: 'scaledObjects',
    kind: 'ScaledObject',
    group: 'keda.sh',
    version: 'v1alpha1',
    plural: 'scaledobjects',
  },
];

/** A watched object: metadata plus whatever spec and status the kind has. */
export type CachedObject = KubernetesObject & {
  metadata: NonNullable<KubernetesObject['metadata']> & { name: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

/** Cached objects of one pool on one cluster, by kind. */
export type PoolObjects = Record<WatchedKindKey, CachedObject[]>;

const SELECTOR = LABELS.pool;

/**
 * What each kind keeps (see trim.ts): the fields the health view, the sweeper and the
 * reconciler read, nothing else (a KubeVirt VMI drops from ~10 KiB to well under 1 KiB).
 */
const TRIMS: Record<WatchedKindKey, (object: RawObject) => KubeObject> = {
  replicaSets: trimWorkload,
  vmPools: trimWorkload,
  virtualMachines: trimStatus,
  vmis: trimVmi,
  dataVolumes: trimStatus,
  scaledObjects: trimStatus,
};

type Watcher = TrimmedWatch;

/** A cluster the cache watches, with what it serves when that is known. */
export interface WatchedCluster {
  name: string;
  kubeConfig: KubeConfig;
  /** The cluster's served-API check: VirtualMachinePools are watched in its version. */
  apis?: { readonly report: ClusterApiReport };
}

/** A watched kind as the cluster serves it; undefined when the cluster does not serve it. */
function servedWatch(
  cluster: WatchedCluster,
  kind: WatchedKind,
): WatchedKind | undefined {
  const report = cluster.apis?.report;
  if (!report) return kind;
  if (report.missing.some(m => m.kind === kind.kind)) return undefined;
  return kind.key === 'vmPools'
    ? { ...kind, version: report.vmPoolVersion }
    : kind;
}

/**
 * One watch-based cache per cluster of the objects runner-fleet manages (list + watch from a
 * resourceVersion; relist on 410; restarted with backoff when the API server goes away). User
 * requests read from here, never from the cluster.
 */
export class FleetCache {
  readonly #clusters: WatchedCluster[];
  readonly #logger: LoggerService;
  readonly #watchers = new Map<string, Map<WatchedKindKey, Watcher>>();
  readonly #synced = new Set<string>();
  /** cluster → kind → pool id → object uid → object: answers per-pool reads without scans. */
  readonly #index = new Map<
    string,
    Map<WatchedKindKey, Map<string, Map<string, CachedObject>>>
  >();
  readonly #listeners = new Set<
    (
      cluster: string,
      kind: WatchedKindKey,
      object: CachedObject,
      verb: string,
    ) => void
  >();
  #stopped = false;

  readonly #failing = new Set<string>();
  readonly #reconnectListeners = new Set<(cluster: string) => void>();

  readonly #pageSize?: number;

  static create(options: {
    clusters: WatchedCluster[];
    logger: LoggerService;
    /** Objects per list page; default 500. */
    pageSize?: number;
  }) {
    return new FleetCache(options.clusters, options.logger, options.pageSize);
  }

  private constructor(
    clusters: WatchedCluster[],
    logger: LoggerService,
    pageSize?: number,
  ) {
    this.#clusters = clusters;
    this.#logger = logger;
    this.#pageSize = pageSize;
  }

  /** Starts every watch; resolves once each has listed at least once (or failed to). */
  async start(): Promise<void> {
    this.#stopped = false;
    await Promise.all(
      this.#clusters.flatMap(cluster =>
        WATCHED_KINDS.map(kind => this.#startWatch(cluster, kind)),
      ),
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(
      [...this.#watchers.values()].flatMap(byKind =>
        [...byKind.values()].map(w => w.stop()),
      ),
    );
    this.#watchers.clear();
    this.#synced.clear();
    this.#index.clear();
  }

  /** Whether every watch has listed at least once. */
  get synced(): boolean {
    return this.#synced.size === this.#clusters.length * WATCHED_KINDS.length;
  }

  /**
   * Called when a cluster's watches connect again after failing (the API server was away):
   * the time to read again what the cluster serves.
   */
  onReconnect(listener: (cluster: string) => void) {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  /**
   * Restarts a cluster's watches with what it serves now (after its served APIs changed, e.g.
   * VirtualMachinePools moved from v1alpha1 to v1beta1 on an upgrade).
   */
  async rewatch(clusterName: string): Promise<void> {
    const cluster = this.#clusters.find(c => c.name === clusterName);
    if (!cluster || this.#stopped) return;
    const byKind = this.#watchers.get(clusterName);
    await Promise.all([...(byKind?.values() ?? [])].map(w => w.stop()));
    this.#watchers.delete(clusterName);
    this.#index.delete(clusterName);
    for (const kind of WATCHED_KINDS)
      this.#synced.delete(`${clusterName}/${kind.key}`);
    await Promise.all(
      WATCHED_KINDS.map(kind => this.#startWatch(cluster, kind)),
    );
  }

  /** Called on every add, update and delete (for the timeline and metrics). */
  onChange(
    listener: (
      cluster: string,
      kind: WatchedKindKey,
      object: CachedObject,
      verb: string,
    ) => void,
  ) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #startWatch(cluster: WatchedCluster, watched: WatchedKind) {
    const id = `${cluster.name}/${watched.key}`;
    const kind = servedWatch(cluster, watched);
    if (!kind) {
      // Nothing of ours can exist in a kind the cluster does not serve: done listing it.
      this.#synced.add(id);
      return;
    }
    const apiVersion = `${kind.group}/${kind.version}`;
    let delay = 0;
    const informer: Watcher = new TrimmedWatch({
      kubeConfig: cluster.kubeConfig,
      kind: {
        ...kind,
        apiVersion,
        kind: kind.kind,
        namespaced: true,
        scope: 'pool',
      },
      labelSelector: SELECTOR,
      trim: TRIMS[kind.key],
      limit: this.#pageSize,
      onEvent: (verb, trimmed) => {
        const object = trimmed as unknown as CachedObject;
        this.#indexObject(cluster.name, kind.key, object, verb === 'delete');
        for (const listener of this.#listeners)
          listener(cluster.name, kind.key, object, verb);
      },
      onConnect: () => {
        delay = 0;
        this.#synced.add(id);
        if (this.#failing.delete(cluster.name)) {
          for (const listener of this.#reconnectListeners)
            listener(cluster.name);
        }
      },
      onError: error => {
        if (this.#stopped) return;
        this.#failing.add(cluster.name);
        // Only the first failure in a row is worth a warning; the watch retries with backoff.
        if (delay++ > 0) return;
        this.#logger.warn(
          `fleet cache: watch of ${kind.plural} on cluster '${
            cluster.name
          }' failed (${
            (error as Error)?.message ?? error
          }); retrying with backoff`,
        );
      },
    });
    const byKind =
      this.#watchers.get(cluster.name) ?? new Map<WatchedKindKey, Watcher>();
    byKind.set(kind.key, informer);
    this.#watchers.set(cluster.name, byKind);
    try {
      await informer.start();
      this.#synced.add(id);
    } catch (error) {
      this.#failing.add(cluster.name);
      this.#logger.warn(
        `fleet cache: cannot list ${kind.plural} on cluster '${cluster.name}'`,
        toError(error),
      );
    }
  }

  /**
   * Feeds an object into the index as a watch event would. For benchmarks and tests that
   * measure the read path without a cluster; production input comes from the watches.
   */
  ingest(
    cluster: string,
    kind: WatchedKindKey,
    object: CachedObject,
    removed = false,
  ): void {
    this.#indexObject(cluster, kind, object, removed);
  }

  #indexObject(
    cluster: string,
    kind: WatchedKindKey,
    object: CachedObject,
    removed: boolean,
  ) {
    const pool = object.metadata.labels?.[LABELS.pool];
    const uid =
      object.metadata.uid ??
      `${object.metadata.namespace}/${object.metadata.name}`;
    if (!pool) return;
    let byKind = this.#index.get(cluster);
    if (!byKind) this.#index.set(cluster, (byKind = new Map()));
    let byPool = byKind.get(kind);
    if (!byPool) byKind.set(kind, (byPool = new Map()));
    let objects = byPool.get(pool);
    if (!objects) byPool.set(pool, (objects = new Map()));
    if (removed) {
      objects.delete(uid);
      if (objects.size === 0) byPool.delete(pool);
    } else {
      objects.set(uid, object);
    }
  }

  /** Every cached object of a kind on a cluster. */
  list(cluster: string, kind: WatchedKindKey): readonly CachedObject[] {
    const watch = this.#watchers.get(cluster)?.get(kind);
    return watch ? ([...watch.values()] as unknown as CachedObject[]) : [];
  }

  /** The cached objects of one pool on one cluster. */
  poolObjects(cluster: string, poolId: string): PoolObjects {
    const result = {} as PoolObjects;
    const byKind = this.#index.get(cluster);
    for (const kind of WATCHED_KINDS) {
      result[kind.key] = [
        ...(byKind?.get(kind.key)?.get(poolId)?.values() ?? []),
      ];
    }
    return result;
  }

  /** Cluster names in the cache. */
  clusters(): string[] {
    return this.#clusters.map(c => c.name);
  }
}
