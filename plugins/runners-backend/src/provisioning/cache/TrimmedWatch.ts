import {
  ApiException,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  Watch,
} from '@kubernetes/client-node';
import { KubeObject, RenderedKind } from '../render';
import type { RawObject } from './trim';

/** Objects per list page: a relist of 10,000 VMIs is 20 requests, none of them huge. */
export const LIST_PAGE_SIZE = 500;
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 5_000;

type Raw = KubernetesObject & Record<string, unknown>;

/** A change to a watched object. */
export type WatchVerb = 'add' | 'update' | 'delete';

/** What a watch reports about itself (for tests and logs). */
export interface WatchStats {
  /** List requests made (one per page). */
  listRequests: number;
  /** Relists started over because a continue token had expired (410 Gone). */
  expiredContinues: number;
}

/** One page of a list: its items, resourceVersion and continue token. */
export interface ListPage {
  items: Array<KubernetesObject & Record<string, unknown>>;
  resourceVersion?: string;
  continueToken?: string;
}

/**
 * Lists one page of a kind across namespaces. Kinds of an API group go through the
 * custom-objects client, which returns the response as sent: KubernetesObjectApi deserialises a
 * custom resource list as a single object and loses its continue token (only the first page
 * arrived).
 */
export async function listPage(
  apis: { objects: KubernetesObjectApi; custom: CustomObjectsApi },
  kind: RenderedKind,
  labelSelector: string,
  limit: number,
  continueToken: string | undefined,
): Promise<ListPage> {
  const page = kind.group
    ? ((await apis.custom.listClusterCustomObject({
        group: kind.group,
        version: kind.version,
        plural: kind.plural,
        labelSelector,
        limit,
        _continue: continueToken,
      })) as { items?: ListPage['items']; metadata?: object })
    : await apis.objects.list<KubernetesObject & Record<string, unknown>>(
        kind.apiVersion,
        kind.kind,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
        limit,
        continueToken,
      );
  return {
    items: page.items ?? [],
    resourceVersion: (page.metadata as { resourceVersion?: string })
      ?.resourceVersion,
    continueToken: continueOf(page.metadata),
  };
}

/**
 * The continue token of a list page. client-node deserialises core lists' metadata (`_continue`)
 * but returns custom resources' as sent (`continue`).
 */
export function continueOf(metadata: object | undefined): string | undefined {
  const m = metadata as { _continue?: string; continue?: string } | undefined;
  return m?._continue || m?.continue || undefined;
}

const rvOf = (o: KubeObject) =>
  (o.metadata as { resourceVersion?: string }).resourceVersion;

function isGone(error: unknown): boolean {
  if (error instanceof ApiException) return error.code === 410;
  return (error as { code?: number; statusCode?: number })?.code === 410;
}

/**
 * A list + watch of one kind with a label selector that keeps only a trimmed copy of each
 * object (see trim.ts). Lists in pages of `limit` with `continue`; an expired continue token
 * (410 Gone) starts the list over; a watch that ends or expires lists again. Nothing of an
 * object but what `trim` returns is kept.
 */
export class TrimmedWatch {
  readonly #kc: KubeConfig;
  readonly #apis: { objects: KubernetesObjectApi; custom: CustomObjectsApi };
  readonly #kind: RenderedKind;
  readonly #selector: string;
  readonly #trim: (object: RawObject) => KubeObject;
  readonly #limit: number;
  readonly #onError: (error: unknown) => void;
  readonly #onEvent: (verb: WatchVerb, object: KubeObject) => void;
  readonly #onConnect: () => void;
  readonly #objects = new Map<string, KubeObject>();
  #resourceVersion = '';
  #synced = false;
  #stopped = false;
  #abort?: AbortController;
  #delay = RESTART_MIN_MS;
  readonly stats: WatchStats = { listRequests: 0, expiredContinues: 0 };

  constructor(options: {
    kubeConfig: KubeConfig;
    kind: RenderedKind;
    labelSelector: string;
    trim: (object: RawObject) => KubeObject;
    /** Objects per list page; default {@link LIST_PAGE_SIZE}. */
    limit?: number;
    onError?: (error: unknown) => void;
    /** Told of every change, after a list (as the difference to before) and from the watch. */
    onEvent?: (verb: WatchVerb, object: KubeObject) => void;
    /** Told after every successful list (the first and each relist). */
    onConnect?: () => void;
  }) {
    this.#kc = options.kubeConfig;
    this.#apis = {
      objects: KubernetesObjectApi.makeApiClient(options.kubeConfig),
      custom: options.kubeConfig.makeApiClient(CustomObjectsApi),
    };
    this.#kind = options.kind;
    this.#selector = options.labelSelector;
    this.#trim = options.trim;
    this.#limit = options.limit ?? LIST_PAGE_SIZE;
    this.#onError = options.onError ?? (() => {});
    this.#onEvent = options.onEvent ?? (() => {});
    this.#onConnect = options.onConnect ?? (() => {});
  }

  /** Whether the objects are a complete list (listed at least once, and watching since). */
  get synced(): boolean {
    return this.#synced;
  }

  /**
   * Lists, then watches; resolves after the first list. When that fails it rejects, and keeps
   * trying in the background (with backoff) until {@link TrimmedWatch.stop}.
   */
  async start(): Promise<void> {
    this.#stopped = false;
    try {
      await this.#list();
    } catch (error) {
      this.#restart(error, true);
      throw error;
    }
    this.#watch();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#synced = false;
    this.#abort?.abort();
  }

  /** Every object, trimmed. */
  values(): IterableIterator<KubeObject> {
    return this.#objects.values();
  }

  #key(object: { metadata?: { namespace?: string; name?: string } }) {
    return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
  }

  /** One object by namespace and name. */
  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#objects.get(`${namespace ?? ''}/${name}`);
  }

  async #list(): Promise<void> {
    const fresh = new Map<string, KubeObject>();
    let continueToken: string | undefined;
    let resourceVersion = '';
    for (;;) {
      let page;
      try {
        this.stats.listRequests++;
        page = await listPage(
          this.#apis,
          this.#kind,
          this.#selector,
          this.#limit,
          continueToken,
        );
      } catch (error) {
        if (continueToken && isGone(error)) {
          // The continue token expired between pages: start over from a fresh snapshot.
          this.stats.expiredContinues++;
          fresh.clear();
          continueToken = undefined;
          continue;
        }
        throw error;
      }
      for (const item of page.items) {
        const trimmed = this.#trim({
          ...item,
          apiVersion: this.#kind.apiVersion,
          kind: this.#kind.kind,
        });
        fresh.set(this.#key(trimmed), trimmed);
      }
      resourceVersion = page.resourceVersion ?? resourceVersion;
      continueToken = page.continueToken;
      if (!continueToken) break;
    }
    const before = new Map(this.#objects);
    this.#objects.clear();
    for (const [key, object] of fresh) {
      this.#objects.set(key, object);
      const old = before.get(key);
      if (!old) this.#onEvent('add', object);
      else if (rvOf(old) !== rvOf(object)) this.#onEvent('update', object);
      before.delete(key);
    }
    for (const gone of before.values()) this.#onEvent('delete', gone);
    this.#resourceVersion = resourceVersion;
    this.#synced = true;
    this.#delay = RESTART_MIN_MS;
    this.#onConnect();
  }

  #path(): string {
    const k = this.#kind;
    return k.group
      ? `/apis/${k.group}/${k.version}/${k.plural}`
      : `/api/${k.version}/${k.plural}`;
  }

  #watch() {
    if (this.#stopped) return;
    let gone = false;
    new Watch(this.#kc)
      .watch(
        this.#path(),
        {
          labelSelector: this.#selector,
          resourceVersion: this.#resourceVersion,
          allowWatchBookmarks: true,
        },
        (phase: string, object: Raw) => {
          if (phase === 'ERROR') {
            gone = gone || (object as { code?: number }).code === 410;
            return;
          }
          const rv = (object.metadata as { resourceVersion?: string })
            ?.resourceVersion;
          if (rv) this.#resourceVersion = rv;
          if (phase === 'BOOKMARK') return;
          this.#delay = RESTART_MIN_MS;
          const trimmed = this.#trim({
            ...object,
            apiVersion: this.#kind.apiVersion,
            kind: this.#kind.kind,
          });
          const key = this.#key(trimmed);
          if (phase === 'DELETED') {
            this.#objects.delete(key);
            this.#onEvent('delete', trimmed);
          } else {
            const verb = this.#objects.has(key) ? 'update' : 'add';
            this.#objects.set(key, trimmed);
            this.#onEvent(verb, trimmed);
          }
        },
        (error: unknown) => this.#restart(error, gone || isGone(error)),
      )
      .then(abort => {
        this.#abort = abort;
        if (this.#stopped) abort.abort();
      })
      .catch(error => this.#restart(error, isGone(error)));
  }

  /** The watch ended: watch again from where it was, or list again when that is too old. */
  #restart(error: unknown, relist: boolean) {
    if (this.#stopped) return;
    if (error) this.#onError(error);
    const wait = error ? this.#delay : 0;
    if (error) this.#delay = Math.min(this.#delay * 2, RESTART_MAX_MS);
    setTimeout(() => {
      if (this.#stopped) return;
      const next = relist || error ? this.#list() : Promise.resolve();
      next.then(
        () => this.#watch(),
        e => this.#restart(e, true),
      );
    }, wait).unref();
  }
}
