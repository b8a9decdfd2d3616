import { createHash } from 'node:crypto';
import { EmulatorCore } from '../EmulatorCore';
import { Json } from '../http/errors';
import { GroupRecord, ProjectRecord, UserRecord } from '../model/types';

/** A rendered REST entity. */
export type Entity = { [key: string]: Json | undefined };

function avatarUrl(user: UserRecord): string {
  const hash = createHash('md5').update(user.email.toLowerCase()).digest('hex');
  return `https://www.gravatar.com/avatar/${hash}?s=80&d=identicon`;
}

/** `API::Entities::UserBasic` */
export function userBasic(core: EmulatorCore, user: UserRecord): Entity {
  return {
    id: user.id,
    username: user.username,
    public_email: null,
    name: user.name,
    state: user.state,
    locked: false,
    avatar_url: avatarUrl(user),
    web_url: `${core.baseUrl}/${user.username}`,
  };
}

/** `API::Entities::User` */
export function userEntity(core: EmulatorCore, user: UserRecord): Entity {
  return {
    ...userBasic(core, user),
    public_email: '',
    created_at: user.createdAt,
    bio: '',
    location: '',
    linkedin: '',
    twitter: '',
    discord: '',
    website_url: '',
    organization: '',
    job_title: '',
    pronouns: null,
    bot: user.bot,
    work_information: null,
    local_time: null,
  };
}

/** `API::Entities::ProjectIdentity` */
export function projectIdentity(
  core: EmulatorCore,
  project: ProjectRecord,
): Entity {
  return {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: core.store.projectNameWithNamespace(project),
    path: project.path,
    path_with_namespace: core.store.projectFullPath(project),
    created_at: project.createdAt,
  };
}

/** `API::Entities::NamespaceBasic` of a group. */
export function namespaceBasic(core: EmulatorCore, group: GroupRecord): Entity {
  return {
    id: group.id,
    name: group.name,
    path: group.path,
    kind: 'group',
    full_path: group.fullPath,
    parent_id: group.parentId,
    avatar_url: null,
    web_url: groupWebUrl(core, group),
  };
}

/** A group's page, `<base>/groups/<full_path>`. */
export function groupWebUrl(core: EmulatorCore, group: GroupRecord): string {
  return `${core.baseUrl}/groups/${group.fullPath}`;
}

/** Presenter options of the project and group entities. */
export interface PresentOptions {
  /** `license=true`: `license_url` and `license` (both null: no repository). */
  license?: boolean;
  /** `with_custom_attributes=true` by an administrator: `custom_attributes`. */
  customAttributes?: boolean;
  /** `statistics=true`: `statistics` for Reporters and up. */
  statistics?: boolean;
}

/**
 * `API::Entities::BasicProjectDetails` as `viewer` sees it (`null`:
 * anonymous). `default_branch`, `readme_url` and `forks_count` need
 * `read_code`; there is no repository content, so no README, forks, license
 * or avatar.
 */
export function basicProjectDetails(
  core: EmulatorCore,
  project: ProjectRecord,
  viewer: UserRecord | null,
  options: PresentOptions = {},
): Entity {
  const fullPath = core.store.projectFullPath(project);
  const host = new URL(core.baseUrl || 'http://localhost').host;
  const group = core.store.groups.get(project.groupId);
  const readCode = core.access.canReadCode(viewer, project);
  return {
    ...projectIdentity(core, project),
    ...(readCode ? { default_branch: project.defaultBranch } : {}),
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${host.split(':')[0]}:${fullPath}.git`,
    http_url_to_repo: `${core.baseUrl}/${fullPath}.git`,
    web_url: `${core.baseUrl}/${fullPath}`,
    ...(readCode ? { readme_url: null, forks_count: 0 } : {}),
    ...(options.license ? { license_url: null, license: null } : {}),
    avatar_url: null,
    star_count: 0,
    last_activity_at: project.createdAt,
    visibility: project.visibility,
    namespace: group ? namespaceBasic(core, group) : null,
    ...(options.customAttributes ? { custom_attributes: [] } : {}),
  };
}

/** `API::Entities::BasicGroupDetails` */
export function basicGroupDetails(
  core: EmulatorCore,
  group: GroupRecord,
): Entity {
  return {
    id: group.id,
    web_url: groupWebUrl(core, group),
    name: group.name,
  };
}
