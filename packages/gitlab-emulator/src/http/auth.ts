import { UserRecord } from '../model/types';
import { ApiError, forbidden, unauthorized } from './errors';
import { RequestContext } from './router';

/**
 * A token scope registered for an endpoint class with
 * `allow_access_with_scope`, optionally only for some requests.
 */
export interface ScopeRule {
  scope: string;
  when?: (ctx: RequestContext) => boolean;
}

const isRead = (ctx: RequestContext) =>
  ctx.method === 'GET' || ctx.method === 'HEAD';

/** Scopes `API::API` registers for every endpoint. */
const API_SCOPES: ScopeRule[] = [
  { scope: 'api' },
  { scope: 'read_api', when: isRead },
];

/** `API::Ci::Runners`: `manage_runner` for `/runners/:id...` routes. */
export const RUNNERS_SCOPES: ScopeRule[] = [
  {
    scope: 'manage_runner',
    when: ctx => /^\/api\/v4\/runners\/\d/.test(ctx.path),
  },
];

/** `API::UserRunners`: `create_runner` for POST. */
export const USER_RUNNERS_SCOPES: ScopeRule[] = [
  { scope: 'create_runner', when: ctx => ctx.method === 'POST' },
];

/** `API::Ci::Jobs`: `ai_workflows` for reads. */
export const JOBS_SCOPES: ScopeRule[] = [
  { scope: 'ai_workflows', when: isRead },
];

/** `API::Groups`: `ai_workflows` for reads. */
export const GROUPS_SCOPES: ScopeRule[] = [
  { scope: 'ai_workflows', when: isRead },
];

/** `API::Projects`: `ai_workflows` for reads. */
export const PROJECTS_SCOPES: ScopeRule[] = [
  { scope: 'ai_workflows', when: isRead },
];

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The personal access token of a request, wherever GitLab looks for it. */
export function requestToken(ctx: RequestContext): string | undefined {
  const header = single(ctx.headers['private-token']);
  if (header) return header;
  const param = ctx.raw.private_token ?? ctx.raw.access_token;
  if (typeof param === 'string' && param) return param;
  const authorization = single(ctx.headers.authorization);
  const bearer = authorization && /^Bearer\s+(.+)$/i.exec(authorization);
  return bearer ? bearer[1].trim() : undefined;
}

function invalidToken(description: string): ApiError {
  return new ApiError(401, {
    error: 'invalid_token',
    error_description: description,
  });
}

/**
 * `authenticate!` with GitLab's token checks: no or unknown token is
 * `401 Unauthorized`; expired or revoked tokens answer the OAuth2
 * `invalid_token` body; a token without a scope registered for this endpoint
 * answers 403 `insufficient_scope`.
 */
export function authenticate(
  ctx: RequestContext,
  endpointScopes: ScopeRule[] = [],
): UserRecord {
  const token = requestToken(ctx);
  const record = token ? ctx.core.store.findAccessToken(token) : undefined;
  const user = record && ctx.core.store.users.get(record.userId);
  if (!record || !user) {
    throw unauthorized();
  }
  if (record.revoked) {
    throw invalidToken(
      'Token was revoked. You have to re-authorize from the user.',
    );
  }
  const today = ctx.core.clock.iso().slice(0, 10);
  if (record.expiresAt !== null && record.expiresAt <= today) {
    throw invalidToken(
      'Token is expired. You can either do re-authorization or token refresh.',
    );
  }
  const registered = [...endpointScopes, ...API_SCOPES];
  const sufficient = registered.some(
    rule =>
      record.scopes.includes(rule.scope) && (!rule.when || rule.when(ctx)),
  );
  if (!sufficient) {
    throw new ApiError(403, {
      error: 'insufficient_scope',
      error_description:
        'The request requires higher privileges than provided by the access token.',
      scope: registered.map(r => r.scope).join(' '),
    });
  }
  if (user.state !== 'active') {
    throw forbidden('Your account has been blocked.');
  }
  return user;
}

/**
 * `authenticate_non_get!` (the groups and projects APIs): a GET or HEAD
 * without any token runs anonymously (`null`, which sees public groups and
 * projects only); a token that is sent is checked as {@link authenticate}
 * checks it, so an unknown, expired or under-scoped one still fails.
 */
export function authenticateNonGet(
  ctx: RequestContext,
  endpointScopes: ScopeRule[] = [],
): UserRecord | null {
  if (isRead(ctx) && requestToken(ctx) === undefined) {
    return null;
  }
  return authenticate(ctx, endpointScopes);
}

/** `authenticated_as_admin!` */
export function requireAdmin(user: UserRecord): void {
  if (!user.admin) {
    throw forbidden();
  }
}
