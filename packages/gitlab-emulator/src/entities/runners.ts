import { EmulatorCore } from '../EmulatorCore';
import { isOnline, managerStatus, runnerRestStatus } from '../model/status';
import {
  GroupRecord,
  ProjectRecord,
  RunnerManagerRecord,
  RunnerRecord,
  UserRecord,
} from '../model/types';
import {
  basicGroupDetails,
  basicProjectDetails,
  Entity,
  userBasic,
} from './common';

function executionStatus(
  core: EmulatorCore,
  matches: (runnerId: number | null, managerId: number | null) => boolean,
): 'active' | 'idle' {
  for (const job of core.store.jobs.values()) {
    if (
      core.jobs.isExecuting(job) &&
      matches(job.runnerId, job.runnerManagerId)
    ) {
      return 'active';
    }
  }
  return 'idle';
}

/** `API::Entities::Ci::Runner`, as the list endpoints render runners. */
export function runnerEntity(core: EmulatorCore, runner: RunnerRecord): Entity {
  const now = core.clock.now();
  const creator =
    runner.creatorId === null
      ? undefined
      : core.store.users.get(runner.creatorId);
  return {
    id: runner.id,
    description: runner.description,
    ip_address: null,
    active: runner.active,
    paused: !runner.active,
    is_shared: runner.runnerType === 'instance_type',
    runner_type: runner.runnerType,
    name: runner.name,
    online: isOnline(runner.contactedAt, now),
    created_by: creator ? userBasic(core, creator) : null,
    created_at: runner.createdAt,
    status: runnerRestStatus(runner, now),
    job_execution_status: executionStatus(core, id => id === runner.id),
  };
}

/** `API::Entities::Ci::RunnerDetails` for `GET`/`PUT /runners/:id`. */
export function runnerDetailsEntity(
  core: EmulatorCore,
  runner: RunnerRecord,
  viewer: UserRecord,
): Entity {
  const latest = core.store
    .managersOf(runner.id)
    .sort((a, b) =>
      (b.contactedAt ?? '').localeCompare(a.contactedAt ?? ''),
    )[0];
  const projects = runner.projectIds
    .map(id => core.store.projects.get(id))
    .filter((p): p is ProjectRecord => p !== undefined)
    .filter(p => viewer.admin || core.access.projectAccess(viewer, p) > 0);
  const group =
    runner.groupId === null ? undefined : core.store.groups.get(runner.groupId);
  const groups = [group]
    .filter((g): g is GroupRecord => g !== undefined)
    .filter(g => viewer.admin || core.access.groupAccess(viewer, g.id) > 0);
  return {
    ...runnerEntity(core, runner),
    tag_list: runner.tagList,
    run_untagged: runner.runUntagged,
    locked: runner.locked,
    maximum_timeout: runner.maximumTimeout,
    access_level: runner.accessLevel,
    version: latest?.version ?? null,
    revision: latest?.revision ?? null,
    platform: latest?.platform ?? null,
    architecture: latest?.architecture ?? null,
    contacted_at: runner.contactedAt,
    maintenance_note: runner.maintenanceNote,
    projects: projects.map(p => basicProjectDetails(core, p, viewer)),
    groups: groups.map(g => basicGroupDetails(core, g)),
  };
}

/** `API::Entities::Ci::RunnerManager` */
export function runnerManagerEntity(
  core: EmulatorCore,
  manager: RunnerManagerRecord,
): Entity {
  return {
    id: manager.id,
    system_id: manager.systemId,
    version: manager.version,
    revision: manager.revision,
    platform: manager.platform,
    architecture: manager.architecture,
    created_at: manager.createdAt,
    contacted_at: manager.contactedAt,
    ip_address: manager.ipAddress,
    status: managerStatus(manager, core.clock.now()),
    job_execution_status: executionStatus(
      core,
      (_runnerId, managerId) => managerId === manager.id,
    ),
  };
}

/** `API::Entities::Ci::RunnerRegistrationDetails`: the only place with the token. */
export function runnerRegistrationEntity(runner: RunnerRecord): Entity {
  return {
    id: runner.id,
    token: runner.token,
    token_expires_at: runner.tokenExpiresAt,
  };
}

/** `API::Entities::Ci::ResetTokenResult` */
export function resetTokenEntity(runner: RunnerRecord): Entity {
  return { token: runner.token, token_expires_at: runner.tokenExpiresAt };
}
