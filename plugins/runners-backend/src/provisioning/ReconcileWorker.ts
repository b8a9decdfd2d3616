import { LoggerService } from '@backstage/backend-plugin-api';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ReconcileQueue } from '../database/ReconcileQueue';
import { PoolChangedError } from './PassPool';
import { Reconciler, ReconcileResult } from './Reconciler';

/** A pass that ended because its pool changed meanwhile: it runs again at once. */
const RERUN = Symbol('rerun');

/** Tuning of the work queue; the defaults suit a fleet of hundreds of pools. */
export interface ReconcileWorkerOptions {
  /**
   * Passes one replica runs at once, across pools (each pass waits mostly on the API server and
   * GitLab, so a few in parallel shorten a cycle without flooding either). Default 4.
   */
  concurrency?: number;
  /**
   * How long a claimed pool stays this replica's without renewal (renewed every third of it
   * while the pass runs); a crashed replica's pools wait this long. Default 60 s.
   */
  leaseMs?: number;
  /** How often the queue is read for due work another replica asked for. Default 1 s. */
  pollMs?: number;
  /** An unchanged pool's next pass (drift repair). Default 30 s. */
  resyncMs?: number;
  /** First retry after a failed pass; doubles per failure up to `maxBackoffMs`. Default 2 s. */
  backoffMs?: number;
  /** Default 5 min. */
  maxBackoffMs?: number;
}

/**
 * Runs reconcile passes from the database work queue, on every backend replica. A change (API,
 * approval, watch event) marks its pool due in the queue; any replica claims due pools with a
 * lease, so at most one pass per pool runs at a time across replicas, and ten changes in a row
 * coalesce into one or two passes. Each pass is released with its next due time: the resync
 * interval, a drain's poll, a backoff with jitter after a failure, or at once when the pool
 * changed during the pass. A crashed replica's leases expire and other replicas take over.
 */
export class ReconcileWorker {
  readonly #queue: ReconcileQueue;
  readonly #reconciler: Reconciler;
  readonly #logger: LoggerService;
  readonly #owner = `${hostname()}:${process.pid}:${randomBytes(4).toString(
    'hex',
  )}`;
  readonly #o: Required<ReconcileWorkerOptions>;
  readonly #clock: () => Date;
  #running = false;
  #loop?: Promise<void>;
  #wake?: () => void;
  #woken = false;

  static create(options: {
    queue: ReconcileQueue;
    reconciler: Reconciler;
    logger: LoggerService;
    options?: ReconcileWorkerOptions;
    /** The queue's time; default the system clock. */
    clock?: () => Date;
  }) {
    return new ReconcileWorker(options);
  }

  private constructor(options: Parameters<typeof ReconcileWorker.create>[0]) {
    this.#queue = options.queue;
    this.#reconciler = options.reconciler;
    this.#logger = options.logger;
    this.#clock = options.clock ?? (() => new Date());
    const o = options.options ?? {};
    this.#o = {
      concurrency: o.concurrency ?? 4,
      leaseMs: o.leaseMs ?? 60_000,
      pollMs: o.pollMs ?? 1000,
      resyncMs: o.resyncMs ?? 30_000,
      backoffMs: o.backoffMs ?? 2000,
      maxBackoffMs: o.maxBackoffMs ?? 300_000,
    };
  }

  /** This replica's name in the queue's leases. */
  get owner(): string {
    return this.#owner;
  }

  /** Starts claiming and running due passes until {@link ReconcileWorker.stop}. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  /** Asks for a pass over the pool (on whichever replica claims it first) and wakes this one. */
  async kick(poolId: string): Promise<void> {
    await this.#queue.enqueue(poolId);
    this.wake();
  }

  /** Looks at the queue now instead of at the next poll (a change was just committed). */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /**
   * Runs every pass that is due now, and again while passes ask to run at once (the pool
   * changed meanwhile), until nothing is due. For tests and benchmarks.
   */
  async drain(): Promise<ReconcileResult[]> {
    const results: ReconcileResult[] = [];
    // Only what is due when the drain starts: a drain longer than the resync interval would
    // otherwise find its first pools due again and never end. A pool that changed during its
    // pass moves the horizon, so it runs again on its new state.
    let dueBy = this.#clock();
    for (;;) {
      const batch = await this.runOnce({ dueBy });
      if (batch.claimed === 0) return results;
      results.push(...batch.results);
      if (batch.rerun) dueBy = this.#clock();
    }
  }

  /** Claims one batch of due pools, runs their passes and releases them. */
  async runOnce(options: { dueBy?: Date } = {}): Promise<{
    claimed: number;
    results: ReconcileResult[];
    /** Whether a pool changed during its pass and asked to run again at once. */
    rerun: boolean;
  }> {
    const claimed = await this.#queue.claim(this.#owner, {
      limit: this.#o.concurrency,
      leaseMs: this.#o.leaseMs,
      dueBy: options.dueBy,
    });
    const outcomes = await Promise.all(
      claimed.map(c => this.#pass(c.poolId, c.failures)),
    );
    return {
      claimed: claimed.length,
      results: outcomes.filter((r): r is ReconcileResult => !!r && r !== RERUN),
      rerun: outcomes.includes(RERUN),
    };
  }

  async #pass(
    poolId: string,
    failures: number,
  ): Promise<ReconcileResult | typeof RERUN | undefined> {
    const renew = setInterval(() => {
      this.#queue
        .renew(poolId, this.#owner, this.#o.leaseMs)
        .catch(error =>
          this.#logger.warn(
            `could not renew the lease on pool ${poolId}`,
            error,
          ),
        );
    }, this.#o.leaseMs / 3);
    renew.unref();
    try {
      const result = await this.#reconciler.reconcile(poolId, {
        failuresSoFar: failures,
      });
      if (result?.state === 'deleted') {
        await this.#queue.remove(poolId);
        return result;
      }
      await this.#queue.release(poolId, this.#owner, {
        delayMs: jitter(result?.requeueAfterMs ?? this.#o.resyncMs),
      });
      return result;
    } catch (error) {
      if (error instanceof PoolChangedError) {
        await this.#queue.release(poolId, this.#owner, { delayMs: 0 });
        return RERUN;
      }
      const delayMs = jitter(
        Math.min(this.#o.maxBackoffMs, this.#o.backoffMs * 2 ** failures),
      );
      this.#logger.warn(
        `reconciling pool ${poolId} failed; next try in ${Math.round(
          delayMs / 1000,
        )} s`,
        error as Error,
      );
      await this.#queue
        .release(poolId, this.#owner, { delayMs, failed: true })
        .catch(e => this.#logger.warn(`pool ${poolId}: release failed`, e));
      return undefined;
    } finally {
      clearInterval(renew);
    }
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let claimed = 0;
      try {
        claimed = (await this.runOnce()).claimed;
      } catch (error) {
        this.#logger.warn('reading the reconcile queue failed', error as Error);
      }
      if (claimed > 0 || !this.#running) continue;
      if (this.#woken) {
        this.#woken = false;
        continue;
      }
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, this.#o.pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
      this.#woken = false;
    }
  }
}

/** ±10 %, so replicas and pools do not fall into step. */
function jitter(ms: number): number {
  return Math.round(ms * (0.9 + Math.random() * 0.2));
}
