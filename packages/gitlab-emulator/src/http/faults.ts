import { Json } from './errors';
import { RouteResponse } from './response';

/**
 * What an injected fault does:
 * - `rate_limit`: Rack::Attack throttle, 429 `text/plain` `Retry later` with
 *   `Retry-After` and `RateLimit-*` headers;
 * - `app_rate_limit`: GitLab's application limiter, 429 JSON without headers;
 * - `error`: an error status (default 500) with GitLab's error body;
 * - `latency`: only the delay; the request is then served normally.
 *
 * @public
 */
export type FaultKind = 'rate_limit' | 'app_rate_limit' | 'error' | 'latency';

/** A fault to inject. @public */
export interface FaultSpec {
  kind: FaultKind;
  /**
   * Path pattern, matched against the raw request path: `*` or `:name` is
   * one segment, `**` any rest. Example: `/api/v4/runners/*`.
   */
  path: string;
  /** HTTP method, or `*` (default) for any. */
  method?: string;
  /** How many responses to affect; unlimited until removed when absent. */
  count?: number;
  /** Let this many matching requests through before the fault applies. */
  skip?: number;
  /** Delay before answering (or before serving, for `latency`). */
  latencyMs?: number;
  /** `error` only; default 500. */
  status?: number;
  /** `error` only; overrides GitLab's default body for the status. */
  body?: Json;
  /** `rate_limit` only; default 60. */
  retryAfterSeconds?: number;
  /** `rate_limit` only; default `throttle_authenticated_api`. */
  rateLimitName?: string;
  /** `rate_limit` only; requests per minute, default 2000 (GitLab.com). */
  rateLimitLimit?: number;
}

/** An injected fault and how often it fired. @public */
export interface Fault extends FaultSpec {
  id: number;
  /** Responses this fault produced (or delayed). */
  hits: number;
  /** Matching requests seen, including skipped ones. */
  seen: number;
  active: boolean;
}

const REASONS: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function compile(pattern: string): RegExp {
  const source = pattern
    .split('/')
    .map(part => {
      if (part === '**') return '.*';
      if (part === '*' || part.startsWith(':')) return '[^/]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

/** The faults in effect, checked before every GitLab API request. */
export class FaultRegistry {
  #faults: Array<Fault & { regexp: RegExp }> = [];
  #nextId = 1;

  add(spec: FaultSpec): Fault {
    const fault = {
      ...spec,
      method: (spec.method ?? '*').toUpperCase(),
      id: this.#nextId++,
      hits: 0,
      seen: 0,
      active: true,
      regexp: compile(spec.path),
    };
    this.#faults.push(fault);
    return this.#public(fault);
  }

  list(): Fault[] {
    return this.#faults.map(f => this.#public(f));
  }

  remove(id: number): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter(f => f.id !== id);
    return this.#faults.length !== before;
  }

  clear(): void {
    this.#faults = [];
  }

  /** The fault that applies to this request, counting it as used. */
  take(method: string, path: string): Fault | undefined {
    for (const fault of this.#faults) {
      if (
        !fault.active ||
        (fault.method !== '*' && fault.method !== method) ||
        !fault.regexp.test(path)
      ) {
        continue;
      }
      fault.seen += 1;
      if (fault.seen <= (fault.skip ?? 0)) {
        continue;
      }
      fault.hits += 1;
      if (fault.count !== undefined && fault.hits >= fault.count) {
        fault.active = false;
      }
      return this.#public(fault);
    }
    return undefined;
  }

  #public(fault: Fault & { regexp?: RegExp }): Fault {
    const { regexp: _regexp, ...rest } = fault;
    return rest;
  }
}

/** The response a fault produces, or undefined for pure latency. */
export function faultResponse(
  fault: Fault,
  now: Date,
): RouteResponse | undefined {
  switch (fault.kind) {
    case 'rate_limit': {
      const retryAfter = fault.retryAfterSeconds ?? 60;
      const limit = fault.rateLimitLimit ?? 2000;
      const reset = new Date(now.getTime() + retryAfter * 1000);
      return {
        status: 429,
        contentType: 'text/plain',
        body: 'Retry later\n',
        headers: {
          'retry-after': String(retryAfter),
          'ratelimit-name': fault.rateLimitName ?? 'throttle_authenticated_api',
          'ratelimit-limit': String(limit),
          'ratelimit-observed': String(limit + fault.hits),
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(Math.floor(reset.getTime() / 1000)),
          'ratelimit-resettime': reset.toUTCString(),
        },
      };
    }
    case 'app_rate_limit':
      return {
        status: 429,
        body: {
          message: {
            error:
              'This endpoint has been requested too many times. Try again later.',
          },
        },
      };
    case 'error': {
      const status = fault.status ?? 500;
      const reason = REASONS[status] ?? 'Error';
      return { status, body: fault.body ?? { message: `${status} ${reason}` } };
    }
    default:
      return undefined;
  }
}
