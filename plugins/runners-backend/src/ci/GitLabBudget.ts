import { AsyncLocalStorage } from 'node:async_hooks';
import { TokenBucket } from './TokenBucket';

/**
 * The GitLab request budget as its users see it: how many requests per minute the whole backend
 * may send, and how many requests a piece of work really made.
 *
 * @public
 */
export interface RequestBudget {
  /** Requests per minute shared by every GitLab call of this backend replica. */
  readonly requestsPerMinute: number;
  /**
   * Runs `work` and counts the requests it sent (retries included), however many calls to
   * GitLab it takes: a group's pending jobs cost one request for the project list plus one per
   * project, and are counted so.
   */
  measure<T>(
    work: () => Promise<T>,
    options?: {
      /**
       * Background work (the CI poller's rounds) gets tokens only when no foreground caller (a
       * reconcile pass, the sweeper) waits, so provisioning never queues behind a round.
       */
      background?: boolean;
    },
  ): Promise<{ value: T; requests: number }>;
}

type Tally = { requests: number; background: boolean; parent?: Tally };

/**
 * One token bucket for every GitLab request of the backend — CI poller, reconciler, ghost
 * sweeper and user-triggered calls — with the requests counted as they go out. Counting uses
 * async context, so a caller learns what its own work cost while others share the bucket.
 *
 * @public
 */
export class GitLabBudget implements RequestBudget {
  readonly requestsPerMinute: number;
  readonly #bucket: TokenBucket;
  readonly #clock: () => number;
  readonly #tallies = new AsyncLocalStorage<Tally>();
  #total = 0;

  static create(options: {
    requestsPerMinute: number;
    clock?: () => number;
    sleep?: (ms: number) => Promise<void>;
  }): GitLabBudget {
    return new GitLabBudget(options);
  }

  private constructor(options: Parameters<typeof GitLabBudget.create>[0]) {
    this.requestsPerMinute = options.requestsPerMinute;
    this.#clock = options.clock ?? Date.now;
    this.#bucket = TokenBucket.create({
      requestsPerMinute: options.requestsPerMinute,
      clock: this.#clock,
      sleep: options.sleep,
    });
  }

  /** Requests sent since start, by everyone. */
  get requestsMade(): number {
    return this.#total;
  }

  /** Waits for a token and counts one request against every `measure` in progress here. */
  async take(): Promise<void> {
    const tally = this.#tallies.getStore();
    await this.#bucket.take({ background: tally?.background });
    this.#total++;
    for (let t = tally; t; t = t.parent) t.requests++;
  }

  /** GitLab said `Retry-After`: nobody sends before `ms` from now. */
  holdFor(ms: number): void {
    this.#bucket.holdUntil(this.#clock() + ms);
  }

  async measure<T>(
    work: () => Promise<T>,
    options: { background?: boolean } = {},
  ): Promise<{ value: T; requests: number }> {
    const parent = this.#tallies.getStore();
    const tally: Tally = {
      requests: 0,
      background: options.background ?? parent?.background ?? false,
      parent,
    };
    const value = await this.#tallies.run(tally, work);
    return { value, requests: tally.requests };
  }
}
