import { EmulatorCore } from '../EmulatorCore';
import { JobRecord, ProjectRecord, UserRecord } from '../model/types';
import { Entity, projectIdentity, userEntity } from './common';
import { runnerEntity, runnerManagerEntity } from './runners';

function commitEntity(
  core: EmulatorCore,
  job: JobRecord,
  project: ProjectRecord,
  user: UserRecord | undefined,
): Entity {
  const pipeline = core.store.pipelines.get(job.pipelineId);
  const title = `Pipeline ${pipeline?.iid ?? job.pipelineId} of ${
    project.name
  }`;
  const createdAt = pipeline?.createdAt ?? job.createdAt;
  return {
    id: job.sha,
    short_id: job.sha.slice(0, 8),
    created_at: createdAt,
    parent_ids: [],
    title,
    message: title,
    author_name: user?.name ?? 'Administrator',
    author_email: user?.email ?? 'admin@example.com',
    authored_date: createdAt,
    committer_name: user?.name ?? 'Administrator',
    committer_email: user?.email ?? 'admin@example.com',
    committed_date: createdAt,
    trailers: {},
    extended_trailers: {},
    web_url: `${core.baseUrl}/${core.store.projectFullPath(project)}/-/commit/${
      job.sha
    }`,
  };
}

function pipelineBasic(
  core: EmulatorCore,
  job: JobRecord,
  project: ProjectRecord,
): Entity {
  const pipeline = core.store.pipelines.get(job.pipelineId);
  return {
    id: job.pipelineId,
    iid: pipeline?.iid ?? null,
    project_id: project.id,
    sha: job.sha,
    ref: job.ref,
    status: core.jobs.pipelineStatus(job.pipelineId),
    source: pipeline?.source ?? 'push',
    created_at: pipeline?.createdAt ?? job.createdAt,
    updated_at: job.updatedAt,
    web_url: `${core.baseUrl}/${core.store.projectFullPath(
      project,
    )}/-/pipelines/${job.pipelineId}`,
  };
}

/** `API::Entities::Ci::JobBasic` */
export function jobBasicEntity(core: EmulatorCore, job: JobRecord): Entity {
  const project = core.store.projects.get(job.projectId)!;
  const user = core.store.users.get(job.userId);
  const entity: Entity = {
    id: job.id,
    status: job.status,
    stage: job.stage,
    name: job.name,
    ref: job.ref,
    tag: job.tag,
    coverage: null,
    allow_failure: job.allowFailure,
    source: 'push',
    created_at: job.createdAt,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    erased_at: null,
    duration: core.jobs.duration(job),
    queued_duration: core.jobs.queuedDuration(job),
    user: user ? userEntity(core, user) : null,
    commit: commitEntity(core, job, project, user),
    pipeline: pipelineBasic(core, job, project),
  };
  if (job.status === 'failed') {
    entity.failure_reason = job.failureReason;
  }
  entity.web_url = `${core.baseUrl}/${core.store.projectFullPath(
    project,
  )}/-/jobs/${job.id}`;
  entity.project = { ci_job_token_scope_enabled: false };
  return entity;
}

/** `API::Entities::Ci::Job`, as `GET /projects/:id/jobs` renders jobs. */
export function jobEntity(core: EmulatorCore, job: JobRecord): Entity {
  const runner =
    job.runnerId === null ? undefined : core.store.runners.get(job.runnerId);
  const manager =
    job.runnerManagerId === null
      ? undefined
      : core.store.runnerManagers.get(job.runnerManagerId);
  return {
    ...jobBasicEntity(core, job),
    artifacts: [],
    runner: runner ? runnerEntity(core, runner) : null,
    runner_manager: manager ? runnerManagerEntity(core, manager) : null,
    artifacts_expire_at: null,
    archived: false,
    tag_list: [...job.tagList].sort(),
  };
}

/** `API::Entities::Ci::JobBasicWithProject`, for `GET /runners/:id/jobs`. */
export function jobWithProjectEntity(
  core: EmulatorCore,
  job: JobRecord,
): Entity {
  const project = core.store.projects.get(job.projectId)!;
  return {
    ...jobBasicEntity(core, job),
    project: projectIdentity(core, project),
  };
}
