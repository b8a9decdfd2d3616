import { SimulationClock } from '../clock';
import { describeError, statusOf } from './KubeClient';

/**
 * What a reconcile asks for afterwards: nothing, or to run again after some simulated ms (a
 * boot step, a clone progress tick).
 */
export type ReconcileResult = void | { requeueAfterMs: number };

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  name: string;
  clock: SimulationClock;
  reconcile: (key: string) => Promise<ReconcileResult>;
  onError: (message: string) => void;
}

const MAX_BACKOFF_MS = 5_000;

/**
 * A controller's work queue: keys (`namespace/name`) are reconciled one at a time per key, a key
 * added while it is being reconciled runs once more afterwards, failures retry with a real-time
 * backoff (conflicts at once, as the next read sees the newer object).
 */
export class WorkQueue {
  readonly #options: WorkQueueOptions;
  readonly #running = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #delayed = new Map<string, () => void>();
  readonly #inFlight = new Set<Promise<void>>();
  #stopped = false;

  constructor(options: WorkQueueOptions) {
    this.#options = options;
  }

  /** Reconciles `key` soon. */
  add(key: string): void {
    if (this.#stopped) return;
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    this.#running.add(key);
    const run = this.#run(key);
    this.#inFlight.add(run);
    run.finally(() => this.#inFlight.delete(run));
  }

  /** Reconciles `key` after `simMs` simulated ms (replacing an earlier delayed add of it). */
  addAfter(key: string, simMs: number): void {
    if (this.#stopped) return;
    this.#delayed.get(key)?.();
    const cancel = this.#options.clock.after(simMs, () => {
      this.#delayed.delete(key);
      this.add(key);
    });
    this.#delayed.set(key, cancel);
  }

  async #run(key: string): Promise<void> {
    // Let the caller's synchronous burst of events collapse into one reconcile.
    await Promise.resolve();
    let result: ReconcileResult = undefined;
    try {
      result = await this.#options.reconcile(key);
      this.#failures.delete(key);
    } catch (error) {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      const conflict = statusOf(error) === 409;
      if (!conflict || failures > 3) {
        this.#options.onError(
          `${this.#options.name} ${key}: ${describeError(
            error,
          )} (attempt ${failures})`,
        );
      }
      const delay = conflict
        ? 10
        : Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures);
      const timer = setTimeout(() => this.add(key), delay);
      timer.unref();
      this.#delayed.set(key, () => clearTimeout(timer));
    } finally {
      this.#running.delete(key);
    }
    if (this.#dirty.delete(key)) {
      this.add(key);
    } else if (result && !this.#stopped) {
      this.addAfter(key, result.requeueAfterMs);
    }
  }

  /** Stops taking keys and waits for reconciles in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const cancel of this.#delayed.values()) cancel();
    this.#delayed.clear();
    while (this.#inFlight.size > 0) {
      await Promise.allSettled([...this.#inFlight]);
    }
  }
}
