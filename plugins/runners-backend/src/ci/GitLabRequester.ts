import { LoggerService } from '@backstage/backend-plugin-api';
import { Groups, Jobs, Projects, Runners, Users } from '@gitbeaker/rest';
import {
  createRequesterFn,
  FormattedResponse,
  RequesterType,
  RequestOptions,
  ResourceOptions,
  ResponseBodyTypes,
} from '@gitbeaker/requester-utils';
import {
  errorForFailure,
  GitLabApiError,
  readGitLabMessage,
} from './gitlabErrors';
import { GitLabSettings } from '../config';
import { GitLabBudget } from './GitLabBudget';

/** Retries after a 5xx or a network failure, on top of the first attempt. */
export const SERVER_ERROR_RETRIES = 2;
/** First back-off after a 5xx; doubles per retry (0.5 s, 1 s). */
export const SERVER_ERROR_BACKOFF_MS = 500;
/** Back-off after a 429 without `Retry-After`; doubles per retry (1 s, 2 s, 4 s ...). */
export const RATE_LIMIT_BACKOFF_MS = 1000;
/** Never retry sooner than this, whatever `Retry-After` says. */
const MIN_WAIT_MS = 250;

/** Options of {@link createGitLabRequesterFn}. */
export interface GitLabRequesterOptions {
  /** The backend's one GitLab budget; every attempt takes a token from it. */
  limiter: GitLabBudget;
  /** Longest total wait between attempts of one request. */
  maxRetryWaitSeconds: number;
  logger: LoggerService;
  /** Values that must never appear in errors or logs (the access token). */
  secrets: readonly string[];
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Per attempt; default 30 s. */
  attemptTimeoutMs?: number;
}

type Outcome = { response: Response } | { unreachable: string };

/** `Retry-After` (seconds or an HTTP date), else `RateLimit-Reset` (Unix time), in ms from now. */
function retryAfterMs(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after');
  const seconds = Number(retryAfter ?? NaN);
  const date = Date.parse(retryAfter ?? '');
  const reset = Number(headers.get('ratelimit-reset') ?? NaN);
  let ms: number | undefined;
  if (retryAfter && !Number.isNaN(seconds)) ms = seconds * 1000;
  else if (!Number.isNaN(date)) ms = date - now;
  else if (!Number.isNaN(reset)) ms = reset * 1000 - now;
  return ms === undefined ? undefined : Math.max(0, ms);
}

function decoded(endpoint: string): string {
  try {
    return decodeURIComponent(endpoint);
  } catch {
    return endpoint;
  }
}

async function parse(response: Response): Promise<FormattedResponse> {
  const headers = Object.fromEntries(response.headers.entries());
  if (response.status === 204) {
    return { body: null, headers, status: response.status };
  }
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json');
  const body: unknown = json ? JSON.parse(text || '{}') : text;
  return { body: body as ResponseBodyTypes, headers, status: response.status };
}

async function attempt(
  url: URL,
  request: RequestOptions,
  timeoutMs: number,
): Promise<Outcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal
        ? AbortSignal.any([request.signal, timeout])
        : timeout,
    });
    return { response };
  } catch (error) {
    if (request.signal?.aborted) throw error;
    if (timeout.aborted) {
      return { unreachable: `no answer within ${timeoutMs / 1000} s` };
    }
    const cause = (error as { cause?: { code?: unknown; message?: unknown } })
      .cause;
    return {
      unreachable: String(
        cause?.code ?? cause?.message ?? (error as Error).message,
      ),
    };
  }
}

async function send(
  endpoint: string,
  request: RequestOptions,
  deps: GitLabRequesterOptions,
): Promise<FormattedResponse> {
  const method = request.method ?? 'GET';
  const prefix = request.prefixUrl ?? '';
  const url = new URL(endpoint, prefix.endsWith('/') ? prefix : `${prefix}/`);
  url.search = request.searchParams ?? '';
  const call = `${method} /${decoded(endpoint)}`;
  // GitLab may have created the runner before a 5xx; a blind retry would register a twin.
  const retriesServerErrors = !(
    method === 'POST' && endpoint === 'user/runners'
  );
  const deadline = deps.clock() + deps.maxRetryWaitSeconds * 1000;
  let serverRetries = 0;
  let rateLimitRetries = 0;
  for (;;) {
    await deps.limiter.take();
    const outcome = await attempt(
      url,
      request,
      deps.attemptTimeoutMs ?? 30_000,
    );
    if ('response' in outcome && outcome.response.ok) {
      return parse(outcome.response);
    }
    let failure: GitLabApiError;
    let waitMs: number | undefined;
    if ('response' in outcome) {
      const { response } = outcome;
      const asked = retryAfterMs(response.headers, deps.clock());
      failure = new GitLabApiError({
        call,
        status: response.status,
        detail: await readGitLabMessage(response, deps.secrets),
        retryAfterSeconds:
          asked === undefined ? undefined : Math.ceil(asked / 1000),
      });
      if (response.status === 429) {
        waitMs = asked ?? RATE_LIMIT_BACKOFF_MS * 2 ** rateLimitRetries++;
        // The throttle counts the token, not this call: hold every caller, not only this one.
        if (asked !== undefined) deps.limiter.holdFor(asked);
      } else if (
        response.status >= 500 &&
        retriesServerErrors &&
        serverRetries < SERVER_ERROR_RETRIES
      ) {
        waitMs = Math.max(
          SERVER_ERROR_BACKOFF_MS * 2 ** serverRetries++,
          asked ?? 0,
        );
      }
    } else {
      failure = new GitLabApiError({ call, detail: outcome.unreachable });
      if (retriesServerErrors && serverRetries < SERVER_ERROR_RETRIES) {
        waitMs = SERVER_ERROR_BACKOFF_MS * 2 ** serverRetries++;
      }
    }
    if (waitMs === undefined) {
      throw errorForFailure(failure);
    }
    waitMs = Math.max(waitMs, MIN_WAIT_MS);
    if (deps.clock() + waitMs > deadline) {
      throw errorForFailure(failure);
    }
    deps.logger.warn(
      `${failure.message}; retrying in ${(waitMs / 1000).toFixed(1)} s`,
    );
    await deps.sleep(waitMs);
  }
}

/**
 * A gitbeaker requester that replaces @gitbeaker/rest's own: its request handler retries 429
 * ten times over about four minutes and ignores `Retry-After`. This one shares one
 * {@link GitLabBudget} across all resources, honours `Retry-After` (or `RateLimit-Reset`) within
 * `maxRetryWaitSeconds` per request, retries 5xx and network failures twice with a short
 * back-off inside the same budget, and turns every other failure into a Backstage error at once.
 * Errors carry a {@link GitLabApiError} cause without bodies, headers or tokens.
 */
export function createGitLabRequesterFn(
  options: GitLabRequesterOptions,
): (resourceOptions: ResourceOptions) => RequesterType {
  return createRequesterFn(
    async (_resource, requestOptions) => requestOptions,
    (endpoint, requestOptions) =>
      send(endpoint, (requestOptions ?? {}) as RequestOptions, options),
  );
}

/**
 * The gitbeaker resources Runner Fleet uses, all sharing one requester from
 * {@link createGitLabRequesterFn} (and so one {@link GitLabBudget}). gitbeaker's own per-resource rate
 * limiter and query timeout are switched off: the requester does both.
 */
export function createGitLabResources(options: {
  settings: GitLabSettings;
  logger: LoggerService;
  /** The shared budget; default a new one of `settings.requestsPerMinute`. */
  budget?: GitLabBudget;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}) {
  const { settings, logger } = options;
  const clock = options.clock ?? Date.now;
  const sleep =
    options.sleep ??
    ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
  const budget =
    options.budget ??
    GitLabBudget.create({
      requestsPerMinute: settings.requestsPerMinute,
      clock,
      sleep,
    });
  const requesterFn = createGitLabRequesterFn({
    limiter: budget,
    maxRetryWaitSeconds: settings.maxRetryWaitSeconds,
    logger,
    secrets: [settings.token],
    clock,
    sleep,
  });
  const resource = {
    host: settings.baseUrl,
    token: settings.token,
    requesterFn,
    queryTimeout: null,
    rateLimits: {},
  };
  return {
    budget,
    runners: new Runners(resource),
    users: new Users(resource),
    groups: new Groups(resource),
    jobs: new Jobs(resource),
    projects: new Projects(resource),
  };
}
