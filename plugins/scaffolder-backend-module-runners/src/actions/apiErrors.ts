import {
  ConflictError,
  ForwardedError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';

/**
 * Turns a failed runners API call into the error a template user should read: the server's own
 * message (which names the field, the missing permission or the quota usage and limit), prefixed
 * with what the step was doing. A ResponseError on its own only says "Request failed with 409
 * Conflict", which tells the user nothing.
 */
export function toUserError(error: unknown, doing: string): Error {
  if (!(error instanceof ResponseError)) {
    return new ForwardedError(doing, error);
  }
  const message = `${doing}: ${error.body.error.message}`;
  switch (error.statusCode) {
    case 400:
      return new InputError(message);
    case 403:
      return new NotAllowedError(message);
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    default:
      return new ForwardedError(doing, error);
  }
}

/** Runs an API call and rethrows its failure as {@link toUserError}. */
export async function callApi<T>(doing: string, call: () => Promise<T>) {
  try {
    return await call();
  } catch (error) {
    throw toUserError(error, doing);
  }
}
