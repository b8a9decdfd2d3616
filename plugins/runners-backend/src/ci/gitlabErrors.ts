import {
  ConflictError,
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** The scopes and roles Runner Fleet's GitLab token needs; quoted in permission errors. */
export const REQUIRED_TOKEN_ACCESS =
  "Runner Fleet's token needs the create_runner, manage_runner and read_api scopes (or api), " +
  'the Owner role on the groups (Maintainer on the projects) that pools register runners in, ' +
  'and an administrator for instance runners';

/**
 * One failed GitLab call, attached as the `cause` of every error the GitLab CI provider throws.
 * It names the call (method and path, never the query string), GitLab's status and message, and
 * carries no request body, header or token.
 *
 * @public
 */
export class GitLabApiError extends Error {
  /** GitLab's HTTP status; undefined when GitLab could not be reached. */
  readonly status: number | undefined;
  /** Method and API path, e.g. `PUT /runners/12`. */
  readonly call: string;
  /** GitLab's message (redacted), or why the request could not be sent. */
  readonly detail: string;
  /** For 429: how long GitLab asked us to wait, when it said so. */
  readonly retryAfterSeconds: number | undefined;

  constructor(options: {
    call: string;
    status?: number;
    detail: string;
    retryAfterSeconds?: number;
  }) {
    const answer =
      options.status === undefined
        ? 'could not be sent'
        : `answered ${options.status}`;
    super(`${options.call} ${answer}: ${options.detail}`);
    this.name = 'GitLabApiError';
    this.status = options.status;
    this.call = options.call;
    this.detail = options.detail;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

const TOKEN_PATTERN = /\bgl[a-z]{2,6}-[A-Za-z0-9_-]{6,}/g;

/** Removes token-like strings (and the given secrets) from text that may reach logs or users. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 8) {
      result = result.split(secret).join('[REDACTED]');
    }
  }
  return result.replace(TOKEN_PATTERN, '[REDACTED]');
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0] === 'error') {
      return describe(entries[0][1]);
    }
    // Model validation errors: {"message": {"tags_list": ["can not be empty ..."]}}
    return entries
      .map(([key, v]) => `${key} ${[v].flat().map(describe).join(', ')}`)
      .join('; ');
  }
  return JSON.stringify(value) ?? '';
}

/**
 * GitLab's own words for a failed response: `message`, `error` (+ `error_description` for
 * OAuth-style token errors) or the plain-text body, redacted and shortened.
 */
export async function readGitLabMessage(
  response: Response,
  secrets: readonly string[],
): Promise<string> {
  const text = await response.text().catch(() => '');
  let message = text.trim();
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      const body: unknown = JSON.parse(text);
      if (body && typeof body === 'object') {
        const {
          message: m,
          error,
          error_description: d,
        } = body as Record<string, unknown>;
        message = d
          ? `${describe(error)}: ${describe(d)}`
          : describe(m ?? error);
      }
    } catch {
      // Not JSON after all: keep the text.
    }
  }
  const redacted = redact(message || response.statusText, secrets);
  return redacted.length > 300 ? `${redacted.slice(0, 297)}...` : redacted;
}

/** Whether `error` is a Backstage error of that name (robust across module copies). */
export function isNamed(
  error: unknown,
  name: 'NotFoundError' | 'NotAllowedError',
): error is Error {
  return isError(error) && error.name === name;
}

/**
 * Attaches the cause without Backstage's "; caused by ..." suffix: the message already says what
 * GitLab answered, and the cause stays available to code (`retryAfterSeconds`, `status`).
 */
export function withCause<E extends Error>(error: E, cause: unknown): E {
  return Object.assign(error, { cause });
}

/** The error for a 429 that outlasted the retry budget. */
export function rateLimitedError(cause: GitLabApiError): Error {
  const after =
    cause.retryAfterSeconds === undefined
      ? 'retry later'
      : `retry after ${cause.retryAfterSeconds} s`;
  return withCause(
    new ServiceUnavailableError(
      `GitLab is rate limiting Runner Fleet (429) on ${cause.call}; ${after}`,
    ),
    cause,
  );
}

/** Maps a final GitLab failure to the Backstage error the framework serialises. */
export function errorForFailure(cause: GitLabApiError): Error {
  const { status, call, detail } = cause;
  if (status === undefined) {
    return withCause(
      new ServiceUnavailableError(
        `GitLab could not be reached for ${call}: ${detail}`,
      ),
      cause,
    );
  }
  switch (status) {
    case 400:
    case 422:
      return withCause(
        new InputError(`GitLab rejected ${call}: ${detail}`),
        cause,
      );
    case 401:
      return withCause(
        new ServiceUnavailableError(
          `GitLab rejected Runner Fleet's configured token (runners.gitlab.token) as invalid, ` +
            `expired or revoked on ${call} (${
              detail.startsWith('401') ? detail : `401 ${detail}`
            }); configure a valid token`,
        ),
        cause,
      );
    case 403:
      return withCause(
        new NotAllowedError(
          `the GitLab token lacks permission for ${call} (${detail}). ${REQUIRED_TOKEN_ACCESS}`,
        ),
        cause,
      );
    case 404:
      return withCause(
        new NotFoundError(`GitLab answered '${detail}' to ${call}`),
        cause,
      );
    case 409:
    case 412:
      return withCause(
        new ConflictError(`GitLab refused ${call}: ${detail}`),
        cause,
      );
    case 429:
      return rateLimitedError(cause);
    default:
      return status >= 500
        ? withCause(
            new ServiceUnavailableError(
              `GitLab failed to answer ${call}: ${detail}`,
            ),
            cause,
          )
        : new Error(`GitLab answered ${status} to ${call}: ${detail}`, {
            cause,
          });
  }
}
