import {
  forbidden,
  notFound,
  preconditionFailed,
  recordNotFound,
} from '../http/errors';
import { LinkBase } from '../http/pagination';
import { declareParams } from '../http/params';
import { RequestContext } from '../http/router';
import {
  GroupRecord,
  ProjectRecord,
  RunnerRecord,
  UserRecord,
} from '../model/types';

/** API prefix of every emulated GitLab route. */
export const API = '/api/v4';

/** `find_project!` + visibility: invisible projects are "not found". */
export function findProject(
  ctx: RequestContext,
  user: UserRecord | null,
  idOrPath: string,
): ProjectRecord {
  const project = ctx.core.store.findProject(idOrPath);
  if (!project || !ctx.core.access.canSeeProject(user, project)) {
    throw notFound('Project');
  }
  return project;
}

/** `find_group!` + visibility: invisible groups are "not found". */
export function findGroup(
  ctx: RequestContext,
  user: UserRecord | null,
  idOrPath: string,
): GroupRecord {
  const group = ctx.core.store.findGroup(idOrPath);
  if (!group || !ctx.core.access.canSeeGroup(user, group)) {
    throw notFound('Group');
  }
  return group;
}

/** Validates `:id` as an Integer and loads the runner (`Ci::Runner.find`). */
export function loadRunner(ctx: RequestContext): RunnerRecord {
  const id = declareParams(ctx.raw, {
    params: [{ name: 'id', type: 'integer', required: true }],
  }).int('id')!;
  const runner = ctx.core.store.runners.get(id);
  if (!runner) {
    throw recordNotFound();
  }
  return runner;
}

/** `forbidden!("No access granted")` unless the check passes. */
export function requireAccess(allowed: boolean): void {
  if (!allowed) {
    throw forbidden('No access granted');
  }
}

/** `destroy_conditionally!`'s `If-Unmodified-Since` check. */
export function checkUnmodifiedSince(
  ctx: RequestContext,
  updatedAt: string,
): void {
  const header = ctx.headers['if-unmodified-since'];
  const since = typeof header === 'string' ? Date.parse(header) : NaN;
  if (!Number.isNaN(since) && since < Date.parse(updatedAt)) {
    throw preconditionFailed();
  }
}

/** The base for pagination `link` URLs. */
export function linkBase(ctx: RequestContext): LinkBase {
  return { baseUrl: ctx.core.baseUrl, path: ctx.path };
}

/** The runner whose authentication token is the `token` parameter. */
export function authenticateRunner(ctx: RequestContext): RunnerRecord {
  const token = ctx.raw.token;
  const runner =
    typeof token === 'string'
      ? ctx.core.store.findRunnerByToken(token)
      : undefined;
  if (!runner) {
    throw forbidden();
  }
  ctx.core.runners.heartbeat(runner);
  return runner;
}

/** The request's address, as GitLab records it on runner managers. */
export function clientIp(ctx: RequestContext): string | null {
  return ctx.ip || null;
}
