import { Store } from './Store';
import { JobRecord, RunnerRecord } from './types';

/** Failure reasons a runner may report (`Ci::Build` enum, runner-facing). */
export const FAILURE_REASONS = [
  'unknown_failure',
  'script_failure',
  'api_failure',
  'stuck_or_timeout_failure',
  'runner_system_failure',
  'missing_dependency_failure',
  'runner_unsupported',
  'stale_schedule',
  'job_execution_timeout',
  'archived_failure',
  'unmet_prerequisites',
  'scheduler_failure',
  'data_integrity_failure',
  'image_pull_failure',
] as const;

/**
 * `RunnerMatcher#matches?` plus the project-side checks of the build queue:
 * the runner must reach the project (instance runners if shared runners are
 * enabled, group runners for projects in the group or its subgroups, project
 * runners for their projects), the job's tags must be a subset of the
 * runner's, untagged jobs need `run_untagged`, and `ref_protected` runners
 * take only jobs on protected refs.
 */
export function runnerCanRun(
  store: Store,
  runner: RunnerRecord,
  job: JobRecord,
): boolean {
  const project = store.projects.get(job.projectId);
  if (!project) {
    return false;
  }
  switch (runner.runnerType) {
    case 'instance_type':
      if (!project.sharedRunnersEnabled) return false;
      break;
    case 'group_type':
      if (
        !project.groupRunnersEnabled ||
        runner.groupId === null ||
        !store.isGroupWithin(project.groupId, runner.groupId)
      ) {
        return false;
      }
      break;
    default:
      if (!runner.projectIds.includes(project.id)) return false;
  }
  if (job.tagList.length === 0 && !runner.runUntagged) {
    return false;
  }
  if (!job.tagList.every(tag => runner.tagList.includes(tag))) {
    return false;
  }
  return runner.accessLevel !== 'ref_protected' || job.protectedRef;
}
