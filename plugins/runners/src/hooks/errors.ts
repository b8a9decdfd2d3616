/** Whether the backend said "not allowed" (HTTP 403). */
export function isForbidden(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as {
    name?: string;
    statusCode?: number;
    cause?: { name?: string };
  };
  return (
    e.statusCode === 403 ||
    e.name === 'NotAllowedError' ||
    e.cause?.name === 'NotAllowedError'
  );
}

/** The message a user should read, from a ResponseError or any error. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as {
      body?: { error?: { message?: string } };
      message?: string;
    };
    return e.body?.error?.message ?? e.message ?? String(error);
  }
  return String(error);
}

/** Whether the backend said "no such thing" (HTTP 404), e.g. a pool that was deleted. */
export function isNotFound(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as {
    name?: string;
    statusCode?: number;
    response?: { status?: number };
    cause?: { name?: string };
  };
  return (
    e.statusCode === 404 ||
    e.response?.status === 404 ||
    e.name === 'NotFoundError' ||
    e.cause?.name === 'NotFoundError'
  );
}

/** Whether the backend refused a conditional change because the thing changed (HTTP 412). */
export function isPreconditionFailed(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { statusCode?: number; response?: { status?: number } };
  return e.statusCode === 412 || e.response?.status === 412;
}
