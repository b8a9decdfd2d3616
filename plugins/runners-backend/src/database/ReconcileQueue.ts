/**
 * Reconcile work per pool, shared by every backend replica through the database. A pool has one
 * row while it lives; a replica claims due rows with a lease, runs one pass per claimed pool and
 * releases it with the time of its next pass. A change made while a replica holds the lease marks
 * the row `requested`, so the pass runs again as soon as the lease is released.
 */
export interface ReconcileQueue {
  /**
   * Asks for a pass over the pool now (creates the row if missing). Inside a store transaction
   * use the transaction's own enqueue, so the request commits with the change that caused it.
   */
  enqueue(poolId: string): Promise<void>;
  /**
   * Claims up to `limit` due pools for `owner` until `leaseMs` from now. Pools leased by another
   * replica are skipped until their lease expires (a crashed replica's pools come back then).
   */
  claim(
    owner: string,
    options: {
      limit: number;
      leaseMs: number;
      /** Only pools due by then (default now): a drain takes what was due when it began. */
      dueBy?: Date;
    },
  ): Promise<Array<{ poolId: string; failures: number }>>;
  /** Extends `owner`'s lease on a pool whose pass is still running; false when it was lost. */
  renew(poolId: string, owner: string, leaseMs: number): Promise<boolean>;
  /**
   * Ends `owner`'s lease. The next pass is due after `delayMs`, or at once when a change arrived
   * during the pass. `failed` counts a failed pass (returned, for backoff); success resets it.
   * Returns false when the lease was no longer `owner`'s (it expired and was taken over).
   */
  release(
    poolId: string,
    owner: string,
    next: { delayMs: number; failed?: boolean },
  ): Promise<boolean>;
  /** Drops the pool's row (its pool is gone). */
  remove(poolId: string): Promise<void>;
  /** When the next pass of each queued pool is due, and who holds it (for tests and metrics). */
  list(): Promise<
    Array<{ poolId: string; nextRunAt: Date; leaseOwner?: string }>
  >;
}
