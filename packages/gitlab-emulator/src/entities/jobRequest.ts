import { EmulatorCore } from '../EmulatorCore';
import { FAILURE_REASONS } from '../model/jobMatching';
import { JobRecord, RunnerRecord } from '../model/types';
import { Entity } from './common';

/** GitLab's default project CI/CD timeout. */
const PROJECT_TIMEOUT_SECONDS = 3600;

function variable(key: string, value: string, masked = false): Entity {
  return { key, value, public: !masked, masked };
}

/**
 * `API::Entities::Ci::JobRequest::Response`: what `POST /jobs/request` hands
 * a runner. The job is synthetic, so it sets `GIT_STRATEGY=none` (no clone)
 * and its script sleeps for the job's duration hint; a real gitlab-runner
 * can execute it with the shell executor.
 */
export function jobRequestEntity(
  core: EmulatorCore,
  job: JobRecord,
  runner: RunnerRecord,
): Entity {
  const project = core.store.projects.get(job.projectId)!;
  const fullPath = core.store.projectFullPath(project);
  const rootGroup = core.store.groupAncestry(project.groupId)[0];
  const base = new URL(core.baseUrl);
  const repoUrl = `${base.protocol}//gitlab-ci-token:${job.token}@${base.host}/${fullPath}.git`;
  const timeout = Math.min(
    PROJECT_TIMEOUT_SECONDS,
    runner.maximumTimeout ?? PROJECT_TIMEOUT_SECONDS,
  );
  const script = ['echo "Job emulated by the Runner Fleet GitLab emulator"'];
  if (job.durationHint !== null) {
    script.push(`sleep ${job.durationHint}`);
  }
  return {
    id: job.id,
    token: job.token,
    allow_git_fetch: true,
    job_info: {
      id: job.id,
      name: job.name,
      stage: job.stage,
      project_id: project.id,
      project_name: project.name,
      project_full_path: fullPath,
      namespace_id: project.groupId,
      root_namespace_id: rootGroup?.id ?? project.groupId,
      user_id: job.userId,
      time_in_queue_seconds: Math.round(core.jobs.queuedDuration(job) ?? 0),
    },
    git_info: {
      repo_url: repoUrl,
      ref: job.ref,
      sha: job.sha,
      before_sha: '0000000000000000000000000000000000000000',
      ref_type: job.tag ? 'tag' : 'branch',
      refspecs: [
        `+refs/pipelines/${job.pipelineId}:refs/pipelines/${job.pipelineId}`,
        `+refs/heads/${job.ref}:refs/remotes/origin/${job.ref}`,
      ],
      depth: 20,
      repo_object_format: 'sha1',
      protected: job.protectedRef,
    },
    runner_info: { timeout, runner_session_url: null },
    variables: [
      variable('CI', 'true'),
      variable('GITLAB_CI', 'true'),
      variable('CI_SERVER_URL', core.baseUrl),
      variable('CI_API_V4_URL', `${core.baseUrl}/api/v4`),
      variable('CI_JOB_ID', String(job.id)),
      variable('CI_JOB_NAME', job.name),
      variable('CI_JOB_STAGE', job.stage),
      variable('CI_JOB_TOKEN', job.token ?? '', true),
      variable('CI_JOB_URL', `${core.baseUrl}/${fullPath}/-/jobs/${job.id}`),
      variable('CI_PIPELINE_ID', String(job.pipelineId)),
      variable('CI_PROJECT_ID', String(project.id)),
      variable('CI_PROJECT_PATH', fullPath),
      variable('CI_COMMIT_SHA', job.sha),
      variable('CI_COMMIT_REF_NAME', job.ref),
      variable('CI_RUNNER_ID', String(runner.id)),
      variable('CI_RUNNER_TAGS', JSON.stringify(runner.tagList)),
      variable('GIT_STRATEGY', 'none'),
    ],
    steps: [
      {
        name: 'script',
        script,
        timeout,
        when: 'on_success',
        allow_failure: false,
      },
    ],
    image: null,
    services: [],
    artifacts: [],
    cache: [],
    credentials: [],
    features: {
      trace_sections: true,
      failure_reasons: [...FAILURE_REASONS],
    },
    dependencies: [],
  };
}
