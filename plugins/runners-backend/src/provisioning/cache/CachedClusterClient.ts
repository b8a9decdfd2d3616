import { ClusterClient, ObjectRef } from '../ClusterClient';
import { KubeObject, RenderedKind } from '../render';
import { ClusterWatches } from './ReconcilerCache';

/**
 * A {@link ClusterClient} whose reads come from the reconciler's watch cache once it is synced
 * (so an idle pass makes no request), and from the API server while it is not, or for kinds it
 * does not watch. Writes go to the API server as before.
 *
 * Secrets in the cache have no values. Reading one by name (only the runner token is read so)
 * goes to the API server, unless the cached Secret is at the resourceVersion last read: the
 * value is then the one read before, kept in this client's memory.
 */
export class CachedClusterClient implements ClusterClient {
  readonly #watches: ClusterWatches;
  /** Secrets read in full, by namespace/name, with the resourceVersion they were read at. */
  readonly #secrets = new Map<string, { rv?: string; object: KubeObject }>();

  constructor(readonly direct: ClusterClient, watches: ClusterWatches) {
    this.#watches = watches;
  }

  get name() {
    return this.direct.name;
  }
  get role() {
    return this.direct.role;
  }
  get apis() {
    return this.direct.apis;
  }

  /** Whether reads of `kind` come from the cache now. */
  caches(kind: { apiVersion: string; kind: string }): boolean {
    return this.#watches.objects(kind) !== undefined;
  }

  async apply(object: KubeObject, options?: { fieldManager?: string }) {
    if (object.kind === 'Secret') this.#forget(object);
    return this.direct.apply(object, options);
  }

  async mergePatch(
    ref: ObjectRef,
    patch: Record<string, unknown>,
    fieldManager: string,
  ) {
    return this.direct.mergePatch(ref, patch, fieldManager);
  }

  async delete(
    ref: ObjectRef,
    options?: Parameters<ClusterClient['delete']>[1],
  ) {
    if (ref.kind === 'Secret') this.#forget(ref);
    return this.direct.delete(ref, options);
  }

  async list(
    kind: RenderedKind,
    labels: Record<string, string>,
  ): Promise<KubeObject[]> {
    const cached = this.#watches.objects(kind);
    if (!cached) return this.direct.list(kind, labels);
    const wanted = Object.entries(labels);
    const found: KubeObject[] = [];
    for (const object of cached.values()) {
      const have = object.metadata.labels ?? {};
      if (wanted.every(([k, v]) => have[k] === v)) found.push(object);
    }
    return found;
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const cached = this.#watches.objects(ref);
    if (!cached) return this.direct.get(ref);
    const object = cached.get(ref.metadata.namespace, ref.metadata.name);
    if (ref.kind !== 'Secret' || !object) return object;
    const key = `${ref.metadata.namespace}/${ref.metadata.name}`;
    const rv = (object.metadata as { resourceVersion?: string })
      .resourceVersion;
    const known = this.#secrets.get(key);
    if (known && rv && known.rv === rv) return known.object;
    const full = await this.direct.get(ref);
    if (full) {
      this.#secrets.set(key, {
        rv: (full.metadata as { resourceVersion?: string }).resourceVersion,
        object: full,
      });
    }
    return full;
  }

  #forget(ref: { metadata: { namespace?: string; name: string } }) {
    this.#secrets.delete(`${ref.metadata.namespace}/${ref.metadata.name}`);
  }
}

/** Reads of `cluster` that always go to the API server (for a value that must be current). */
export function directReads(cluster: ClusterClient): ClusterClient {
  return cluster instanceof CachedClusterClient ? cluster.direct : cluster;
}
