import { runnerRegistrationEntity } from '../entities/runners';
import { authenticate, USER_RUNNERS_SCOPES } from '../http/auth';
import { badRequest, forbidden } from '../http/errors';
import { declareParams, Params } from '../http/params';
import { Route } from '../http/router';
import { errorSentence, RunnerAttributes } from '../model/RunnerService';
import {
  ACCESS_LEVELS,
  RUNNER_TYPES,
  RunnerAccessLevel,
  RunnerType,
} from '../model/types';
import { API } from './helpers';

/** The `access_level` values of a runner. */
export const ACCESS_LEVEL_VALUES: readonly RunnerAccessLevel[] = [
  'not_protected',
  'ref_protected',
];

/** Runner attributes from declared parameters, as Grape passes them on. */
export function runnerAttributes(params: Params): RunnerAttributes {
  return {
    description: params.nullableString('description'),
    paused: params.bool('paused'),
    locked: params.bool('locked'),
    runUntagged: params.bool('run_untagged'),
    tagList: params.list('tag_list'),
    accessLevel: params.string('access_level') as RunnerAccessLevel | undefined,
    maximumTimeout: params.nullableInt('maximum_timeout'),
    maintenanceNote: params.nullableString('maintenance_note'),
  };
}

/** `POST /user/runners` (`API::UserRunners`). */
export function userRunnersRoutes(): Route[] {
  return [
    {
      method: 'POST',
      pattern: `${API}/user/runners`,
      handler: ctx => {
        const user = authenticate(ctx, USER_RUNNERS_SCOPES);
        const params = declareParams(ctx.raw, {
          params: [
            {
              name: 'runner_type',
              type: 'string',
              required: true,
              values: RUNNER_TYPES,
            },
            {
              name: 'group_id',
              type: 'integer',
              required: true,
              when: raw => raw.runner_type === 'group_type',
            },
            {
              name: 'project_id',
              type: 'integer',
              required: true,
              when: raw => raw.runner_type === 'project_type',
            },
            { name: 'description', type: 'string' },
            { name: 'maintenance_note', type: 'string' },
            { name: 'paused', type: 'boolean' },
            { name: 'locked', type: 'boolean' },
            {
              name: 'access_level',
              type: 'string',
              values: ACCESS_LEVEL_VALUES,
            },
            { name: 'run_untagged', type: 'boolean' },
            { name: 'tag_list', type: 'stringList' },
            { name: 'maximum_timeout', type: 'integer' },
          ],
        });
        const { core } = ctx;
        const runnerType = params.string('runner_type') as RunnerType;
        let groupId: number | undefined;
        let projectId: number | undefined;
        let authorized = user.admin;
        if (runnerType === 'group_type') {
          const group = core.store.groups.get(params.int('group_id')!);
          if (!group) throw badRequest('Missing/invalid group');
          groupId = group.id;
          authorized ||=
            core.access.groupAccess(user, group.id) >= ACCESS_LEVELS.owner;
        } else if (runnerType === 'project_type') {
          const project = core.store.projects.get(params.int('project_id')!);
          if (!project) throw badRequest('Missing/invalid project');
          projectId = project.id;
          authorized ||=
            core.access.projectAccess(user, project) >=
            ACCESS_LEVELS.maintainer;
        }
        if (!authorized) {
          throw forbidden('Insufficient permissions');
        }
        const result = core.runners.create({
          runnerType,
          groupId,
          projectId,
          creatorId: user.id,
          attributes: runnerAttributes(params),
        });
        if ('errors' in result) {
          throw badRequest(errorSentence(result.errors));
        }
        return { status: 201, body: runnerRegistrationEntity(result.runner) };
      },
    },
  ];
}
