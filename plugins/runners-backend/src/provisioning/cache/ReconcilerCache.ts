import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';
import { LABELS, MANAGER } from '@runner-fleet/plugin-runners-common';
import type { ServedApiCheck } from '../apiVersions';
import { KubeObject, RenderedKind, renderedKinds, servedKind } from '../render';
import { RawObject, trimRendered, trimSecret, trimVmi } from './trim';
import { TrimmedWatch } from './TrimmedWatch';

/** The VMIs of the pools (the rollout finds outdated VMs among them). */
export const VMI_KIND: RenderedKind = Object.freeze({
  group: 'kubevirt.io',
  version: 'v1',
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachineInstance',
  plural: 'virtualmachineinstances',
  namespaced: true,
  scope: 'pool',
});

/**
 * Kinds read from the cache. RoleBindings are not: the backend may only bind the clone role in
 * the golden-image namespace, so it cannot watch them; a Windows pool reads its binding directly.
 */
const CACHED_KINDS: readonly RenderedKind[] = [
  ...renderedKinds.filter(k => k.kind !== 'RoleBinding'),
  VMI_KIND,
];

/** How each kind is trimmed; every other kind drops only its managedFields. */
const TRIMS: Record<string, (object: RawObject) => KubeObject> = {
  Secret: trimSecret,
  [VMI_KIND.kind]: trimVmi,
};

/** Identity of a kind across API versions: `Kind.group`. */
export function kindKey(ref: { apiVersion: string; kind: string }): string {
  const slash = ref.apiVersion.lastIndexOf('/');
  return `${ref.kind}.${slash < 0 ? '' : ref.apiVersion.slice(0, slash)}`;
}

/** A cluster the reconciler cache watches. */
export interface ReconcilerCacheCluster {
  name: string;
  kubeConfig: KubeConfig;
  apis?: ServedApiCheck;
}

/**
 * The watches of one cluster: what runner-fleet manages there (label `managed-by=runner-fleet`),
 * trimmed. Secrets keep no values, only a hash per data key.
 */
export class ClusterWatches {
  readonly #cluster: ReconcilerCacheCluster;
  readonly #logger: LoggerService;
  readonly #limit?: number;
  /** kindKey → watch; a kind the cluster does not serve maps to null (nothing of ours there). */
  #watches = new Map<string, TrimmedWatch | null>();

  constructor(
    cluster: ReconcilerCacheCluster,
    logger: LoggerService,
    limit?: number,
  ) {
    this.#cluster = cluster;
    this.#logger = logger;
    this.#limit = limit;
  }

  get name(): string {
    return this.#cluster.name;
  }

  async start(): Promise<void> {
    const report = this.#cluster.apis?.report;
    const watches = new Map<string, TrimmedWatch | null>();
    await Promise.all(
      CACHED_KINDS.map(async rendered => {
        const kind = servedKind(rendered, report?.vmPoolVersion);
        if (report?.missing.some(m => m.kind === kind.kind)) {
          watches.set(kindKey(kind), null);
          return;
        }
        const trim = TRIMS[kind.kind] ?? trimRendered;
        const watch = new TrimmedWatch({
          kubeConfig: this.#cluster.kubeConfig,
          kind,
          labelSelector: `${LABELS.managedBy}=${MANAGER}`,
          trim,
          limit: this.#limit,
          onError: error =>
            this.#logger.debug(
              `reconciler cache: watch of ${kind.plural} on '${
                this.#cluster.name
              }' ended (${(error as Error)?.message ?? error})`,
            ),
        });
        try {
          await watch.start();
          watches.set(kindKey(kind), watch);
        } catch (error) {
          // Reads of this kind go to the API server directly.
          this.#logger.warn(
            `reconciler cache: cannot list ${kind.plural} on '${
              this.#cluster.name
            }'; the reconciler reads them directly (${
              (error as Error)?.message ?? error
            })`,
          );
        }
      }),
    );
    this.#watches = watches;
  }

  async stop(): Promise<void> {
    const watches = [...this.#watches.values()];
    this.#watches = new Map();
    await Promise.all(watches.map(w => w?.stop()));
  }

  /**
   * The objects of a kind, when the cache holds a complete list of it; undefined when it does
   * not (not started, not synced, or not watchable): the caller then reads the API server.
   */
  objects(ref: { apiVersion: string; kind: string }):
    | {
        get(ns: string | undefined, name: string): KubeObject | undefined;
        values(): Iterable<KubeObject>;
      }
    | undefined {
    const key = kindKey(ref);
    if (!this.#watches.has(key)) return undefined;
    const watch = this.#watches.get(key);
    if (watch === null) return { get: () => undefined, values: () => [] };
    return watch?.synced ? watch : undefined;
  }

  /** List requests made so far by every watch of the cluster (for tests and benchmarks). */
  listRequests(): number {
    let total = 0;
    for (const w of this.#watches.values()) total += w?.stats.listRequests ?? 0;
    return total;
  }
}
