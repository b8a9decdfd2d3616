import { authenticate, RUNNERS_SCOPES } from '../http/auth';
import { forbidden } from '../http/errors';
import { Route } from '../http/router';
import { ACCESS_LEVELS } from '../model/types';
import { API, findGroup, findProject } from './helpers';
import { listParams, listRunners } from './runners';

/** `GET /groups/:id/runners` and `GET /projects/:id/runners`. */
export function scopedRunnersRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: `${API}/projects/:id/runners`,
      handler: ctx => {
        const user = authenticate(ctx, RUNNERS_SCOPES);
        const { store, access } = ctx.core;
        const project = findProject(ctx, user, ctx.pathParams.id);
        if (
          !user.admin &&
          access.projectAccess(user, project) < ACCESS_LEVELS.maintainer
        ) {
          throw forbidden();
        }
        const params = listParams(ctx);
        // Ci::Runner.owned_or_instance_wide: the project's own runners, its
        // ancestor groups' runners and, if enabled, instance runners.
        const runners = [...store.runners.values()].filter(r => {
          switch (r.runnerType) {
            case 'project_type':
              return r.projectIds.includes(project.id);
            case 'group_type':
              return (
                project.groupRunnersEnabled &&
                r.groupId !== null &&
                store.isGroupWithin(project.groupId, r.groupId)
              );
            default:
              return project.sharedRunnersEnabled;
          }
        });
        return listRunners(ctx, runners, params);
      },
    },
    {
      method: 'GET',
      pattern: `${API}/groups/:id/runners`,
      handler: ctx => {
        const user = authenticate(ctx, RUNNERS_SCOPES);
        const { store, access } = ctx.core;
        const group = findGroup(ctx, user, ctx.pathParams.id);
        if (
          !user.admin &&
          access.groupAccess(user, group.id) < ACCESS_LEVELS.owner
        ) {
          throw forbidden();
        }
        const params = listParams(ctx, false);
        // Ci::Runner.group_or_instance_wide: runners of the group and its
        // ancestors, plus instance runners.
        const runners = [...store.runners.values()].filter(
          r =>
            r.runnerType === 'instance_type' ||
            (r.runnerType === 'group_type' &&
              r.groupId !== null &&
              store.isGroupWithin(group.id, r.groupId)),
        );
        return listRunners(ctx, runners, params);
      },
    },
  ];
}
