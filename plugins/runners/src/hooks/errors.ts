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
