import { LoggerService } from '@backstage/backend-plugin-api';
import { Groups, Jobs, Runners } from '@gitbeaker/rest';
import { GitLabScope } from '@runner-fleet/plugin-runners-common';
import { CiJob } from '@runner-fleet/plugin-runners-node';
import { isNamed } from './gitlabErrors';
import { GitLabJson, toCiJob } from './gitlabMapping';

/** Most jobs `listJobs` returns in one call. */
export const MAX_JOBS = 1000;
/** Pending jobs read per project (GitLab lists newest first, one page). */
export const PENDING_JOBS_PER_PROJECT = 100;

/** `listJobs` options; `systemId` (GitLab's `system_id` filter) goes beyond `CiProvider`. @public */
export interface GitLabJobListOptions {
  status?: string;
  /** Most recent jobs to return; default 20, at most 1000. */
  limit?: number;
  /** Only jobs of this runner manager (VM); the returned jobs then carry it as `systemId`. */
  systemId?: string;
}

/**
 * `GET /runners/:id/jobs`, newest first, following pages up to `limit`. GitLab renders these jobs
 * without `tag_list` and without `runner_manager`, so `tags` are empty and `systemId` is only
 * known when the list was filtered by it.
 */
export async function listRunnerJobs(
  runners: Runners,
  runnerId: number,
  options: GitLabJobListOptions,
): Promise<CiJob[]> {
  const limit = Math.min(
    Math.max(Math.floor(options.limit ?? 20), 1),
    MAX_JOBS,
  );
  const perPage = Math.min(limit, 100);
  const query = {
    status: options.status,
    orderBy: 'id',
    sort: 'desc',
    perPage,
    maxPages: Math.ceil(limit / perPage),
    ...(options.systemId ? { systemId: options.systemId } : {}),
  };
  const jobs: GitLabJson[] = await runners.allJobs(runnerId, query);
  return jobs
    .slice(0, limit)
    .map(job => toCiJob(job, runnerId, options.systemId));
}

/**
 * Jobs waiting for a runner in a pool's scope, with their tags: `GET /projects/:id/jobs?scope[]=
 * pending` for a project, or for every project of a group and its subgroups (one request for the
 * project list, one per project). GitLab has no pending-jobs API for a whole instance, so an
 * instance scope yields none. Projects that vanish or hide their jobs meanwhile are skipped.
 */
export async function listScopePendingJobs(
  api: { groups: Groups; jobs: Jobs; logger: LoggerService },
  scope: GitLabScope,
): Promise<CiJob[]> {
  if (scope.type === 'instance') {
    return [];
  }
  const projects: Array<string | number> =
    scope.type === 'project'
      ? [scope.path]
      : (
          await api.groups.allProjects(scope.path, {
            includeSubgroups: true,
            archived: false,
            simple: true,
            perPage: 100,
          })
        ).map(p => p.id);
  const perProject = await Promise.all(
    projects.map(async project => {
      try {
        const jobs: GitLabJson[] = await api.jobs.all(project, {
          scope: 'pending',
          perPage: PENDING_JOBS_PER_PROJECT,
          maxPages: 1,
        });
        return jobs.map(job => toCiJob(job));
      } catch (error) {
        const skippable =
          scope.type === 'group' &&
          (isNamed(error, 'NotFoundError') ||
            isNamed(error, 'NotAllowedError'));
        if (!skippable) throw error;
        api.logger.debug(
          `Skipped pending jobs of GitLab project ${project}: ${error}`,
        );
        return [];
      }
    }),
  );
  return perProject.flat();
}
