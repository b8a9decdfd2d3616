import { InputError } from '@backstage/errors';
import { Groups, Projects } from '@gitbeaker/rest';
import { GitLabScope } from '@runner-fleet/plugin-runners-common';
import { isNamed, withCause } from './gitlabErrors';
import { idOf } from './gitlabMapping';

/** Where `POST /user/runners` registers a runner: its `runner_type` and owner id. */
export type RunnerTarget =
  | { runnerType: 'instance_type' }
  | { runnerType: 'group_type'; groupId: number }
  | { runnerType: 'project_type'; projectId: number };

type NamespaceScope = Exclude<GitLabScope, { type: 'instance' }>;

async function lookUp(
  scope: NamespaceScope,
  api: { groups: Groups; projects: Projects },
): Promise<number> {
  try {
    // Groups.show lists the group's projects unless told otherwise; we only need the id.
    const found =
      scope.type === 'group'
        ? await api.groups.show(scope.path, { withProjects: false })
        : await api.projects.show(scope.path);
    return idOf(found, `GET /${scope.type}s/${scope.path}`);
  } catch (error) {
    if (!isNamed(error, 'NotFoundError')) {
      throw error;
    }
    throw withCause(
      new InputError(
        `GitLab ${scope.type} '${scope.path}' does not exist or Runner Fleet's GitLab token ` +
          `cannot see it; check the pool's GitLab ${scope.type} path`,
      ),
      error.cause,
    );
  }
}

/**
 * Resolves a pool's GitLab scope to what `POST /user/runners` needs. `POST /user/runners` takes
 * numeric ids only, so a group or project path is looked up with `GET /groups/:path` or
 * `GET /projects/:path` (URL-encoded, as GitLab accepts full paths there); a path of digits is
 * taken as the id itself. An unknown (or invisible) path is an `InputError` naming it.
 */
export async function resolveRunnerTarget(
  scope: GitLabScope,
  api: { groups: Groups; projects: Projects },
): Promise<RunnerTarget> {
  if (scope.type === 'instance') {
    return { runnerType: 'instance_type' };
  }
  const id = /^\d+$/.test(scope.path)
    ? Number(scope.path)
    : await lookUp(scope, api);
  return scope.type === 'group'
    ? { runnerType: 'group_type', groupId: id }
    : { runnerType: 'project_type', projectId: id };
}

/** The maintenance note every fleet runner carries, so GitLab admins know who owns it. */
export function maintenanceNote(spec: {
  team: string;
  poolName: string;
  poolId: string;
}): string {
  return (
    `Managed by Runner Fleet for pool ${spec.team}/${spec.poolName} (${spec.poolId}). ` +
    'Change the pool in Backstage: edits made here are overwritten.'
  );
}
