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

function namespaceBasic(core: EmulatorCore, group: GroupRecord): Entity {
  return {
    id: group.id,
    name: group.name,
    path: group.path,
    kind: 'group',
    full_path: group.fullPath,
    parent_id: group.parentId,
    avatar_url: null,
    web_url: `${core.baseUrl}/groups/${group.fullPath}`,
  };
}

/** `API::Entities::BasicProjectDetails`, without repository-derived fields. */
export function basicProjectDetails(
  core: EmulatorCore,
  project: ProjectRecord,
): Entity {
  const fullPath = core.store.projectFullPath(project);
  const host = new URL(core.baseUrl || 'http://localhost').host;
  const group = core.store.groups.get(project.groupId);
  return {
    ...projectIdentity(core, project),
    default_branch: project.defaultBranch,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${host.split(':')[0]}:${fullPath}.git`,
    http_url_to_repo: `${core.baseUrl}/${fullPath}.git`,
    web_url: `${core.baseUrl}/${fullPath}`,
    avatar_url: null,
    star_count: 0,
    last_activity_at: project.createdAt,
    namespace: group ? namespaceBasic(core, group) : null,
  };
}

/** `API::Entities::BasicGroupDetails` */
export function basicGroupDetails(
  core: EmulatorCore,
  group: GroupRecord,
): Entity {
  return {
    id: group.id,
    web_url: `${core.baseUrl}/groups/${group.fullPath}`,
    name: group.name,
  };
}
