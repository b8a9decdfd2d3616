import {
  resetTokenEntity,
  runnerDetailsEntity,
  runnerEntity,
  runnerManagerEntity,
} from '../entities/runners';
import { authenticate, requireAdmin, RUNNERS_SCOPES } from '../http/auth';
import { forbidden, validationError } from '../http/errors';
import { paginate } from '../http/pagination';
import { declareParams, Params } from '../http/params';
import { RequestContext, Route, RouteResponse } from '../http/router';
import { RunnerRecord } from '../model/types';
import {
  API,
  checkUnmodifiedSince,
  linkBase,
  loadRunner,
  requireAccess,
} from './helpers';
import {
  applyFilters,
  FILTER_PARAMS,
  filterByScope,
  SCOPE_PARAM,
  STATUSES_INCL_DEPRECATED,
} from './runnerFilters';
import { ACCESS_LEVEL_VALUES, runnerAttributes } from './userRunners';

const UPDATABLE = [
  'description',
  'active',
  'paused',
  'tag_list',
  'run_untagged',
  'locked',
  'access_level',
  'maximum_timeout',
  'maintenance_note',
];

/** Declares the parameters of the runner list endpoints. */
export function listParams(ctx: RequestContext, withScope = true): Params {
  return declareParams(ctx.raw, {
    params: withScope ? [SCOPE_PARAM, ...FILTER_PARAMS] : FILTER_PARAMS,
  });
}

/** Filters, paginates and renders a runner list. */
export function listRunners(
  ctx: RequestContext,
  runners: RunnerRecord[],
  params: Params,
  allowedScopes?: readonly string[],
): RouteResponse {
  const scoped = filterByScope(
    ctx.core,
    runners,
    params.string('scope'),
    allowedScopes,
  );
  const filtered = applyFilters(ctx.core, scoped, params);
  const page = paginate(filtered, params, linkBase(ctx));
  return {
    status: 200,
    headers: page.headers,
    body: page.items.map(r => runnerEntity(ctx.core, r)),
  };
}

/** The user-facing runner endpoints of `API::Ci::Runners`. */
export function runnersRoutes(): Route[] {
  const allRunners = (ctx: RequestContext) => [
    ...ctx.core.store.runners.values(),
  ];
  return [
    {
      method: 'GET',
      pattern: `${API}/runners`,
      handler: ctx => {
        const user = authenticate(ctx, RUNNERS_SCOPES);
        const owned = allRunners(ctx).filter(r =>
          ctx.core.access.ownsRunner(user, r),
        );
        return listRunners(
          ctx,
          owned,
          listParams(ctx),
          STATUSES_INCL_DEPRECATED,
        );
      },
    },
    {
      method: 'GET',
      pattern: `${API}/runners/all`,
      handler: ctx => {
        const user = authenticate(ctx, RUNNERS_SCOPES);
        const params = listParams(ctx);
        requireAdmin(user);
        return listRunners(ctx, allRunners(ctx), params);
      },
    },
    {
      method: 'GET',
      pattern: `${API}/runners/:id`,
      handler: ctx => {
        const user = authenticate(ctx, RUNNERS_SCOPES);
        const runner = loadRunner(ctx);
        requireAccess(ctx.core.access.canReadRunner(user, runner));
        return {
          status: 200,
          body: runnerDetailsEntity(ctx.core, runner, user),
        };
      },
    },
    {
      method: 'GET',
      pattern: `${API}/runners/:id/managers`,
      handler: ctx => {
        const user = authenticate(ctx, RUNNERS_SCOPES);
        const runner = loadRunner(ctx);
        requireAccess(ctx.core.access.canReadRunner(user, runner));
        return {
          status: 200,
          body: ctx.core.store
            .managersOf(runner.id)
            .map(m => runnerManagerEntity(ctx.core, m)),
        };
      },
    },
    {
      method: 'PUT',
      pattern: `${API}/runners/:id`,
      handler: ctx => {
        const user = authenticate(ctx, RUNNERS_SCOPES);
        const params = declareParams(ctx.raw, {
          params: [
            { name: 'id', type: 'integer', required: true },
            { name: 'description', type: 'string' },
            { name: 'active', type: 'boolean' },
            { name: 'paused', type: 'boolean' },
            { name: 'tag_list', type: 'stringList' },
            { name: 'run_untagged', type: 'boolean' },
            { name: 'locked', type: 'boolean' },
            {
              name: 'access_level',
              type: 'string',
              values: ACCESS_LEVEL_VALUES,
            },
            { name: 'maximum_timeout', type: 'integer' },
            { name: 'maintenance_note', type: 'string' },
          ],
          atLeastOneOf: UPDATABLE,
          mutuallyExclusive: [['active', 'paused']],
        });
        const runner = loadRunner(ctx);
        requireAccess(ctx.core.access.canManageRunner(user, runner));
        const attributes = runnerAttributes(params);
        const active = params.bool('active');
        if (active !== undefined) {
          attributes.paused = !active;
        }
        const errors = ctx.core.runners.update(runner, attributes);
        if (errors) {
          throw validationError(errors);
        }
        return {
          status: 200,
          body: runnerDetailsEntity(ctx.core, runner, user),
        };
      },
    },
    {
      method: 'DELETE',
      pattern: `${API}/runners/:id`,
      handler: ctx => {
        const user = authenticate(ctx, RUNNERS_SCOPES);
        const runner = loadRunner(ctx);
        if (!user.admin) {
          if (runner.projectIds.length > 1) {
            throw forbidden('Runner associated with more than one project');
          }
          requireAccess(ctx.core.access.canManageRunner(user, runner));
        }
        checkUnmodifiedSince(ctx, runner.updatedAt);
        ctx.core.store.deleteRunner(runner.id);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: `${API}/runners/:id/reset_authentication_token`,
      handler: ctx => {
        const user = authenticate(ctx, RUNNERS_SCOPES);
        const runner = loadRunner(ctx);
        requireAccess(ctx.core.access.canManageRunner(user, runner));
        ctx.core.runners.resetToken(runner);
        return { status: 201, body: resetTokenEntity(runner) };
      },
    },
  ];
}
