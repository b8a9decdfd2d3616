import { KubernetesObject, makeInformer } from '@kubernetes/client-node';
import { KubeClient, describeError } from './KubeClient';
import { KubeObject } from './objects';
import { collectionPath, ResourceType } from './resources';

/** What changed about a watched object. */
export type WatchVerb = 'add' | 'update' | 'delete';

/** Receives watch events; the object is the new state (the last state for `delete`). */
export type WatchHandler<T extends KubeObject> = (
  verb: WatchVerb,
  object: T,
) => void;

const RESTART_DELAY_MS = 500;

type Informer = ReturnType<typeof makeInformer<KubernetesObject>>;

/**
 * A list+watch cache of one resource type (client-node's informer) across all namespaces, or
 * across the given ones (one informer each), with restart after errors: the informer stops on
 * an error, a controller must not.
 */
export class Watched<T extends KubeObject> {
  readonly type: ResourceType;
  /** By namespace; the key `''` holds the all-namespaces informer. */
  readonly #informers = new Map<string, Informer>();
  readonly #handlers: Array<WatchHandler<T>> = [];
  readonly #onError: (message: string) => void;
  readonly #restarts = new Set<NodeJS.Timeout>();
  #stopped = false;

  constructor(
    kube: KubeClient,
    type: ResourceType,
    onError: (message: string) => void,
    namespaces?: string[],
  ) {
    this.type = type;
    this.#onError = onError;
    for (const namespace of namespaces?.length ? namespaces : ['']) {
      const informer = makeInformer<KubernetesObject>(
        kube.kubeConfig,
        collectionPath(type, namespace || undefined),
        () => kube.listAll(type, namespace || undefined) as never,
      );
      this.#wire(informer);
      this.#informers.set(namespace, informer);
    }
  }

  #wire(informer: Informer): void {
    const emit = (verb: WatchVerb) => (object: KubernetesObject) => {
      for (const handler of this.#handlers) {
        try {
          handler(verb, object as unknown as T);
        } catch (error) {
          this.#onError(
            `${this.type.kind} ${verb} handler failed: ${describeError(error)}`,
          );
        }
      }
    };
    informer.on('add', emit('add'));
    informer.on('update', emit('update'));
    informer.on('delete', emit('delete'));
    informer.on('error', (error: unknown) => {
      if (this.#stopped) return;
      this.#onError(
        `watch of ${this.type.plural} failed (${describeError(
          error,
        )}); restarting`,
      );
      const timer = setTimeout(() => {
        this.#restarts.delete(timer);
        if (!this.#stopped) {
          informer.start().catch(e => this.#onError(describeError(e)));
        }
      }, RESTART_DELAY_MS);
      this.#restarts.add(timer);
    });
  }

  /** Adds a handler; register handlers before {@link Watched.start}. */
  on(handler: WatchHandler<T>): void {
    this.#handlers.push(handler);
  }

  /** Lists (firing `add` for every object), then watches. Resolves once the watches are open. */
  async start(): Promise<void> {
    await Promise.all([...this.#informers.values()].map(i => i.start()));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#restarts) clearTimeout(timer);
    await Promise.all([...this.#informers.values()].map(i => i.stop()));
  }

  #informerFor(namespace: string): Informer | undefined {
    return this.#informers.get(namespace) ?? this.#informers.get('');
  }

  /** The cached object, if any (undefined too for namespaces outside the scope). */
  get(namespace: string, name: string): T | undefined {
    return this.#informerFor(namespace)?.get(name, namespace) as unknown as
      | T
      | undefined;
  }

  /** The cached objects, in one namespace or all watched ones. */
  list(namespace?: string): T[] {
    if (namespace !== undefined) {
      return (this.#informerFor(namespace)?.list(namespace) ??
        []) as unknown as T[];
    }
    return [...this.#informers.values()].flatMap(
      i => i.list() as unknown as T[],
    );
  }
}
