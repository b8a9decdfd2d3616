import { jobEntity, jobWithProjectEntity } from '../entities/jobs';
import { authenticate, JOBS_SCOPES, RUNNERS_SCOPES } from '../http/auth';
import { apiError, forbidden } from '../http/errors';
import { paginate } from '../http/pagination';
import { declareParams, PAGINATION_PARAMS } from '../http/params';
import { Route } from '../http/router';
import { ACCESS_LEVELS, JOB_STATUSES } from '../model/types';
import {
  API,
  findProject,
  linkBase,
  loadRunner,
  requireAccess,
} from './helpers';

/** `GET /runners/:id/jobs` and `GET /projects/:id/jobs`. */
export function jobListRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: `${API}/runners/:id/jobs`,
      handler: ctx => {
        const user = authenticate(ctx, RUNNERS_SCOPES);
        const params = declareParams(ctx.raw, {
          params: [
            { name: 'id', type: 'integer', required: true },
            { name: 'system_id', type: 'string' },
            { name: 'status', type: 'string', values: JOB_STATUSES },
            { name: 'order_by', type: 'string', values: ['id'] },
            {
              name: 'sort',
              type: 'string',
              values: ['asc', 'desc'],
              default: 'desc',
            },
            { name: 'cursor', type: 'string' },
            ...PAGINATION_PARAMS,
          ],
        });
        const { store, access } = ctx.core;
        const runner = loadRunner(ctx);
        requireAccess(
          user.admin ||
            (runner.runnerType !== 'instance_type' &&
              access.canReadRunner(user, runner)),
        );
        const status = params.string('status');
        const systemId = params.string('system_id');
        const managerIds = new Set(
          store
            .managersOf(runner.id)
            .filter(m => m.systemId === systemId)
            .map(m => m.id),
        );
        const direction = params.string('sort') === 'asc' ? 1 : -1;
        const jobs = store
          .jobsOf(runner.id)
          .filter(job => {
            const project = store.projects.get(job.projectId);
            return (
              project !== undefined &&
              (user.admin ||
                access.projectAccess(user, project) >= ACCESS_LEVELS.reporter)
            );
          })
          .filter(job => !status || job.status === status)
          .filter(
            job =>
              !systemId ||
              (job.runnerManagerId !== null &&
                managerIds.has(job.runnerManagerId)),
          )
          .sort((a, b) => (a.id - b.id) * direction);
        // GitLab skips counting when filtering by runner manager.
        const page = paginate(jobs, params, linkBase(ctx), {
          withoutCount: Boolean(systemId),
        });
        return {
          status: 200,
          headers: page.headers,
          body: page.items.map(j => jobWithProjectEntity(ctx.core, j)),
        };
      },
    },
    {
      method: 'GET',
      pattern: `${API}/projects/:id/jobs`,
      handler: ctx => {
        const user = authenticate(ctx, JOBS_SCOPES);
        const params = declareParams(ctx.raw, {
          params: [
            { name: 'id', type: 'id', required: true },
            { name: 'scope', type: 'scopeList', values: JOB_STATUSES },
            ...PAGINATION_PARAMS,
          ],
        });
        const project = findProject(ctx, user, ctx.pathParams.id);
        if (
          !user.admin &&
          ctx.core.access.projectAccess(user, project) < ACCESS_LEVELS.reporter
        ) {
          throw forbidden();
        }
        const scope = params.list('scope') ?? [];
        if (scope.some(s => !(JOB_STATUSES as readonly string[]).includes(s))) {
          throw apiError('Scope contains invalid value(s)', 400);
        }
        const jobs = [...ctx.core.store.jobs.values()]
          .filter(j => j.projectId === project.id)
          .filter(j => scope.length === 0 || scope.includes(j.status))
          .sort((a, b) => b.id - a.id);
        // Project jobs are always paginated without counts.
        const page = paginate(jobs, params, linkBase(ctx), {
          withoutCount: true,
        });
        return {
          status: 200,
          headers: page.headers,
          body: page.items.map(j => jobEntity(ctx.core, j)),
        };
      },
    },
  ];
}
