/** A JSON value, as bodies are. */
export type Json =
  | string
  | number
  | boolean
  | null
  | Json[]
  | { [key: string]: Json | undefined };

/**
 * An error response shaped exactly as GitLab shapes it. Routes throw these;
 * the server renders them.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly body: Json;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    body: Json,
    headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** `unauthorized!` */
export function unauthorized(): ApiError {
  return new ApiError(401, { message: '401 Unauthorized' });
}

/** `forbidden!(reason)` */
export function forbidden(reason?: string): ApiError {
  return new ApiError(403, {
    message: reason ? `403 Forbidden - ${reason}` : '403 Forbidden',
  });
}

/** `not_found!(resource)`: `404 Project Not Found`, `404 Not Found`. */
export function notFound(resource?: string): ApiError {
  return new ApiError(404, {
    message: resource ? `404 ${resource} Not Found` : '404 Not Found',
  });
}

/** `ActiveRecord::RecordNotFound`, e.g. an unknown runner id. */
export function recordNotFound(): ApiError {
  return new ApiError(404, { message: '404 Not found' });
}

/** `bad_request!(reason)` */
export function badRequest(reason: string): ApiError {
  return new ApiError(400, { message: `400 Bad request - ${reason}` });
}

/** `render_api_error!(message, status)` */
export function apiError(message: string, status: number): ApiError {
  return new ApiError(status, { message });
}

/** `render_validation_error!`: attribute errors of a model. */
export function validationError(errors: Record<string, string[]>): ApiError {
  return new ApiError(400, { message: errors });
}

/** Grape parameter validation errors, joined as Grape joins them. */
export function paramsError(messages: string[]): ApiError {
  return new ApiError(400, { error: messages.join(', ') });
}

/** The catch-all route for anything GitLab does not serve. */
export function routeNotFound(): ApiError {
  return new ApiError(404, { error: '404 Not Found' });
}

/** `conditional_destroy!` when `If-Unmodified-Since` is older. */
export function preconditionFailed(): ApiError {
  return new ApiError(412, { message: '412 Precondition Failed' });
}

/** Unhandled exceptions. */
export function internalError(): ApiError {
  return new ApiError(500, { message: '500 Internal Server Error' });
}
