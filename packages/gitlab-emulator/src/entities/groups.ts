import { EmulatorCore } from '../EmulatorCore';
import {
  ACCESS_LEVELS,
  GroupRecord,
  ProjectRecord,
  UserRecord,
} from '../model/types';
import { basicGroupDetails, Entity, PresentOptions } from './common';
import { projectEntity } from './projects';

/** `GroupProjectsFinder::DEFAULT_PROJECTS_LIMIT`, for `GroupDetail`. */
export const GROUP_DETAIL_PROJECTS_LIMIT = 100;

/**
 * `API::Entities::Group`: a subset of the group settings, with GitLab's
 * defaults (`project_creation_level` from the instance default, no 2FA
 * requirement, nothing archived or marked for deletion).
 */
export function groupEntity(
  core: EmulatorCore,
  group: GroupRecord,
  options: PresentOptions = {},
): Entity {
  const ancestry = core.store.groupAncestry(group.id);
  return {
    ...basicGroupDetails(core, group),
    path: group.path,
    description: group.description,
    visibility: group.visibility,
    share_with_group_lock: false,
    require_two_factor_authentication: false,
    two_factor_grace_period: 48,
    project_creation_level: 'developer',
    auto_devops_enabled: null,
    subgroup_creation_level: 'owner',
    emails_disabled: false,
    emails_enabled: true,
    mentions_disabled: null,
    lfs_enabled: true,
    archived: false,
    default_branch: null,
    avatar_url: null,
    request_access_enabled: true,
    full_name: ancestry.map(g => g.name).join(' / '),
    full_path: group.fullPath,
    created_at: group.createdAt,
    parent_id: group.parentId,
    organization_id: 1,
    shared_runners_setting: 'enabled',
    marked_for_deletion_on: null,
    ...(options.customAttributes ? { custom_attributes: [] } : {}),
  };
}

/** Options of {@link groupDetailEntity}. */
export interface GroupDetailOptions extends PresentOptions {
  /** `with_projects` (GitLab's default: true). */
  withProjects: boolean;
}

/**
 * `API::Entities::GroupDetail`, as `GET /groups/:id` answers: the group,
 * `shared_with_groups` (none here), `runners_token` for its Owners and
 * administrators (null: registration tokens are not allowed),
 * `prevent_sharing_groups_outside_hierarchy` on top-level groups and, with
 * `with_projects`, the deprecated `projects` (the group's own projects the
 * viewer can see, newest first, at most 100) and `shared_projects`.
 */
export function groupDetailEntity(
  core: EmulatorCore,
  group: GroupRecord,
  viewer: UserRecord | null,
  options: GroupDetailOptions,
): Entity {
  const { store, access } = core;
  const adminGroup =
    viewer !== null &&
    (viewer.admin ||
      access.groupAccess(viewer, group.id) >= ACCESS_LEVELS.owner);
  const entity: Entity = {
    ...groupEntity(core, group, options),
    shared_with_groups: [],
    ...(adminGroup ? { runners_token: null } : {}),
    ...(group.parentId === null
      ? { prevent_sharing_groups_outside_hierarchy: false }
      : {}),
  };
  if (options.withProjects) {
    const projects = [...store.projects.values()]
      .filter(
        (p: ProjectRecord) =>
          p.groupId === group.id && access.canSeeProject(viewer, p),
      )
      .sort((a, b) => b.id - a.id)
      .slice(0, GROUP_DETAIL_PROJECTS_LIMIT);
    entity.projects = projects.map(p =>
      projectEntity(core, p, viewer, {
        customAttributes: options.customAttributes,
      }),
    );
    entity.shared_projects = [];
  }
  return entity;
}
