import { EmulatorCore } from '../EmulatorCore';
import { ACCESS_LEVELS, ProjectRecord, UserRecord } from '../model/types';
import { basicProjectDetails, Entity, PresentOptions } from './common';

/** `NotificationSetting.levels[:global]`, every member's default. */
const NOTIFICATION_LEVEL_GLOBAL = 3;

/** `API::Entities::MemberAccess` of a role, or null without one. */
function memberAccess(level: number): Entity | null {
  return level > 0
    ? { access_level: level, notification_level: NOTIFICATION_LEVEL_GLOBAL }
    : null;
}

/**
 * `API::Entities::Project` as `viewer` sees it: `BasicProjectDetails` plus a
 * subset of the project settings (features, CI/CD). Settings GitLab shows
 * only to users with `admin_project` (Maintainer and up) are left out for
 * others, as GitLab does. Every feature is enabled; there are no issues,
 * stars, forks, shares, imports or registration tokens (`runners_token` is
 * null, as when an instance disallows registration tokens).
 */
export function projectEntity(
  core: EmulatorCore,
  project: ProjectRecord,
  viewer: UserRecord | null,
  options: PresentOptions = {},
): Entity {
  const { access } = core;
  const role = viewer ? access.projectAccess(viewer, project) : 0;
  const adminProject =
    viewer !== null && (viewer.admin || role >= ACCESS_LEVELS.maintainer);
  const readStatistics =
    viewer !== null && (viewer.admin || role >= ACCESS_LEVELS.reporter);
  const api = `${core.baseUrl}/api/v4/projects/${project.id}`;
  return {
    ...basicProjectDetails(core, project, viewer, options),
    _links: {
      self: api,
      issues: `${api}/issues`,
      merge_requests: `${api}/merge_requests`,
      repo_branches: `${api}/repository/branches`,
      labels: `${api}/labels`,
      events: `${api}/events`,
      members: `${api}/members`,
      cluster_agents: `${api}/cluster_agents`,
    },
    packages_enabled: true,
    empty_repo: false,
    archived: false,
    resolve_outdated_diff_discussions: false,
    issues_enabled: true,
    merge_requests_enabled: true,
    wiki_enabled: true,
    jobs_enabled: true,
    snippets_enabled: true,
    repository_access_level: 'enabled',
    builds_access_level: 'enabled',
    emails_disabled: false,
    emails_enabled: true,
    shared_runners_enabled: project.sharedRunnersEnabled,
    lfs_enabled: true,
    import_status: 'none',
    open_issues_count: 0,
    updated_at: project.createdAt,
    ...(adminProject
      ? {
          ci_default_git_depth: 20,
          ci_job_token_scope_enabled: false,
          runners_token: null,
          group_runners_enabled: project.groupRunnersEnabled,
          auto_cancel_pending_pipelines: 'enabled',
          build_timeout: 3600,
        }
      : {}),
    ...(access.canReadCode(viewer, project) ? { ci_config_path: null } : {}),
    public_jobs: true,
    shared_with_groups: [],
    request_access_enabled: true,
    ...(options.statistics && readStatistics
      ? {
          statistics: {
            commit_count: 0,
            storage_size: 0,
            repository_size: 0,
            wiki_size: 0,
            lfs_objects_size: 0,
            job_artifacts_size: 0,
            pipeline_artifacts_size: 0,
            packages_size: 0,
            snippets_size: 0,
            uploads_size: 0,
            container_registry_size: 0,
          },
        }
      : {}),
  };
}

/**
 * `API::Entities::ProjectWithAccess`, what `GET /projects/:id` answers a
 * signed-in user: the project plus `permissions` — the user's direct
 * membership of the project and their highest membership of its group or
 * an ancestor, each `{access_level, notification_level}` or null.
 */
export function projectWithAccessEntity(
  core: EmulatorCore,
  project: ProjectRecord,
  viewer: UserRecord,
  options: PresentOptions = {},
): Entity {
  const { access } = core;
  return {
    ...projectEntity(core, project, viewer, options),
    permissions: {
      project_access: memberAccess(
        access.memberAccess(viewer, 'project', project.id),
      ),
      group_access: memberAccess(access.groupAccess(viewer, project.groupId)),
    },
  };
}
