/** Options of {@link TokenBucket.create}. */
export interface TokenBucketOptions {
  /** Sustained rate; 0 switches the limiter off. */
  requestsPerMinute: number;
  /**
   * Requests that may go out back to back after a quiet period. Default: ten seconds' worth of
   * the sustained rate (at least 1), so a burst never takes more than a sixth of GitLab's
   * per-minute allowance.
   */
  burst?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
  /** Waits the given milliseconds; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

type TokenBucketDeps = {
  ratePerMs: number;
  capacity: number;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
};

/**
 * A client-side token bucket shared by every GitLab call Runner Fleet makes, so the whole fleet
 * (reconciler, sweeper, pollers, user requests) stays under one request budget. Callers are
 * served first come, first served, foreground callers before background ones.
 */
export class TokenBucket {
  readonly #deps: TokenBucketDeps;
  #tokens: number;
  #refilledAt: number;
  /** Callers waiting for a token; foreground first, each lane first come, first served. */
  readonly #foreground: Array<() => void> = [];
  readonly #background: Array<() => void> = [];
  #pumping = false;
  /** No token is handed out before this time (GitLab asked us to wait). */
  #heldUntil = 0;

  /** A full bucket: a first burst goes out at once. */
  static create(options: TokenBucketOptions): TokenBucket {
    const rpm = Math.max(0, options.requestsPerMinute);
    const clock = options.clock ?? Date.now;
    return new TokenBucket({
      ratePerMs: rpm / 60_000,
      capacity: options.burst ?? Math.max(1, Math.ceil(rpm / 6)),
      clock,
      sleep:
        options.sleep ??
        (ms => new Promise(resolve => setTimeout(resolve, ms))),
    });
  }

  private constructor(deps: TokenBucketDeps) {
    this.#deps = deps;
    this.#tokens = deps.capacity;
    this.#refilledAt = deps.clock();
  }

  /** Resolves when the caller may send one request. */
  take(options: { background?: boolean } = {}): Promise<void> {
    if (this.#deps.ratePerMs === 0 && this.#heldUntil <= this.#deps.clock()) {
      return Promise.resolve();
    }
    return new Promise<void>(resolve => {
      (options.background ? this.#background : this.#foreground).push(resolve);
      this.#pump();
    });
  }

  /**
   * Hands out tokens one at a time; each goes to whoever waits first when it is ready, so a
   * foreground caller (a reconcile pass) never queues behind a background round (the poller).
   */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#foreground.length || this.#background.length) {
        await this.#acquire();
        (this.#foreground.shift() ?? this.#background.shift())!();
      }
    } finally {
      this.#pumping = false;
    }
  }

  /**
   * Hands out no token before `until` (ms since the epoch) and empties the bucket: GitLab's
   * `Retry-After` applies to the whole token, not only to the request that got the 429, so every
   * caller waits rather than spending the wait on further 429s.
   */
  holdUntil(until: number): void {
    this.#heldUntil = Math.max(this.#heldUntil, until);
    // Empty now, with exactly one token at `until`: sending resumes then at the sustained rate.
    this.#tokens = 0;
    if (this.#deps.ratePerMs > 0) {
      this.#refilledAt = Math.max(
        this.#refilledAt,
        this.#heldUntil - 1 / this.#deps.ratePerMs,
      );
    }
  }

  async #acquire(): Promise<void> {
    const held = this.#heldUntil - this.#deps.clock();
    if (held > 0) await this.#deps.sleep(held);
    if (this.#deps.ratePerMs === 0) return;
    this.#refill();
    if (this.#tokens < 1 - 1e-9) {
      await this.#deps.sleep(
        Math.ceil((1 - this.#tokens) / this.#deps.ratePerMs),
      );
      this.#refill();
    }
    this.#tokens = Math.max(0, this.#tokens - 1);
  }

  #refill(): void {
    const now = this.#deps.clock();
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#tokens = Math.min(
      this.#deps.capacity,
      this.#tokens + elapsed * this.#deps.ratePerMs,
    );
    this.#refilledAt = now;
  }
}
