import { RouteResponse } from './response';

/**
 * GitLab's "authenticated API" user rate limit as Rack::Attack enforces it: a fixed window of
 * `periodSeconds` per user, at most `requestsPerPeriod` requests in it.
 *
 * @public
 */
export interface AuthenticatedApiRateLimit {
  /** GitLab.com: 2000 per 60 s; self-managed defaults, when enabled: 7200 per 3600 s. */
  requestsPerPeriod: number;
  /** Default 60. */
  periodSeconds?: number;
}

/** Requests seen and refused by the throttle since start. @public */
export interface ThrottleStats {
  requests: number;
  throttled: number;
}

/**
 * Counts authenticated API requests per token in Rack::Attack's fixed windows (the window is
 * `floor(now / period)`, so it resets for everyone at once) and answers over-limit requests as
 * GitLab does: 429 `text/plain` `Retry later` with `Retry-After` (seconds to the window's end)
 * and the `RateLimit-*` headers. Runner endpoints authenticate with a runner token in the body
 * and are not counted (GitLab throttles them per IP under another name).
 */
export class AuthenticatedApiThrottle {
  #limit?: Required<AuthenticatedApiRateLimit>;
  #window = -1;
  #counts = new Map<string, number>();
  #stats: ThrottleStats = { requests: 0, throttled: 0 };

  constructor(limit?: AuthenticatedApiRateLimit) {
    this.set(limit);
  }

  /** Turns the limit on, changes it, or (undefined) turns it off. */
  set(limit: AuthenticatedApiRateLimit | undefined): void {
    this.#limit = limit && {
      requestsPerPeriod: limit.requestsPerPeriod,
      periodSeconds: limit.periodSeconds ?? 60,
    };
    this.#counts.clear();
  }

  get stats(): ThrottleStats {
    return { ...this.#stats };
  }

  /** Counts the request; the 429 to send when it is over the limit, else undefined. */
  take(token: string | undefined, now: Date): RouteResponse | undefined {
    if (!this.#limit || !token) return undefined;
    const { requestsPerPeriod: limit, periodSeconds: period } = this.#limit;
    const seconds = Math.floor(now.getTime() / 1000);
    const window = Math.floor(seconds / period);
    if (window !== this.#window) {
      this.#window = window;
      this.#counts.clear();
    }
    const observed = (this.#counts.get(token) ?? 0) + 1;
    this.#counts.set(token, observed);
    this.#stats.requests++;
    if (observed <= limit) return undefined;
    this.#stats.throttled++;
    const resetAt = (window + 1) * period;
    const reset = new Date(resetAt * 1000);
    return {
      status: 429,
      contentType: 'text/plain',
      body: 'Retry later\n',
      headers: {
        'retry-after': String(resetAt - seconds),
        'ratelimit-name': 'throttle_authenticated_api',
        // GitLab normalises the quota to requests per minute.
        'ratelimit-limit': String(Math.round((limit * 60) / period)),
        'ratelimit-observed': String(observed),
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(resetAt),
        'ratelimit-resettime': reset.toUTCString(),
      },
    };
  }
}
