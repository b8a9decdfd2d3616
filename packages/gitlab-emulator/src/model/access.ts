import { Store } from './Store';
import {
  ACCESS_LEVELS,
  GroupRecord,
  ProjectRecord,
  RunnerRecord,
  UserRecord,
} from './types';

/**
 * Membership-based permissions, reduced to what the runner, jobs, groups and
 * projects APIs ask: roles are inherited down the group tree, administrators
 * can do anything, private groups and projects are invisible to non-members
 * (GitLab answers 404 for those, and 403 when the resource is visible but the
 * role is too low), internal ones are visible to every signed-in user and
 * public ones to anonymous requests too (`null` user).
 */
export class Access {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** The effective role in a group, counting memberships of its ancestors. */
  groupAccess(user: UserRecord, groupId: number): number {
    let level = 0;
    for (const group of this.#store.groupAncestry(groupId)) {
      level = Math.max(level, this.#direct(user, 'group', group.id));
    }
    return level;
  }

  /** The effective role in a project, counting its group hierarchy. */
  projectAccess(user: UserRecord, project: ProjectRecord): number {
    return Math.max(
      this.#direct(user, 'project', project.id),
      this.groupAccess(user, project.groupId),
    );
  }

  /** A direct membership's role (0 without one), not counting ancestors. */
  memberAccess(
    user: UserRecord,
    source: 'group' | 'project',
    sourceId: number,
  ): number {
    return this.#direct(user, source, sourceId);
  }

  canSeeGroup(user: UserRecord | null, group: GroupRecord): boolean {
    if (!user) {
      return group.visibility === 'public';
    }
    if (user.admin || group.visibility !== 'private') {
      return true;
    }
    if (this.groupAccess(user, group.id) > 0) {
      return true;
    }
    // Members of a subgroup or of a project below can see the parent group.
    const below = this.#store.memberships.some(m => {
      if (m.userId !== user.id) {
        return false;
      }
      const groupId =
        m.source === 'group'
          ? m.sourceId
          : this.#store.projects.get(m.sourceId)?.groupId;
      return (
        groupId !== undefined && this.#store.isGroupWithin(groupId, group.id)
      );
    });
    return below;
  }

  canSeeProject(user: UserRecord | null, project: ProjectRecord): boolean {
    if (!user) {
      return project.visibility === 'public';
    }
    return (
      user.admin ||
      project.visibility !== 'private' ||
      this.projectAccess(user, project) > 0
    );
  }

  /**
   * `read_code`: Reporter and up in private projects, anyone who can see an
   * internal or public project (repositories are always enabled here).
   */
  canReadCode(user: UserRecord | null, project: ProjectRecord): boolean {
    if (project.visibility !== 'private') {
      return this.canSeeProject(user, project);
    }
    return (
      user !== null &&
      (user.admin ||
        this.projectAccess(user, project) >= ACCESS_LEVELS.reporter)
    );
  }

  /** `read_runner`: Maintainer of the runner's group or one of its projects. */
  canReadRunner(user: UserRecord, runner: RunnerRecord): boolean {
    if (user.admin || runner.runnerType === 'instance_type') {
      return true;
    }
    return this.#runnerRole(user, runner) >= ACCESS_LEVELS.maintainer;
  }

  /**
   * `update_runner` / `delete_runner`: group runners need the group's Owner
   * role, project runners the Maintainer role of the owner project, instance
   * runners an administrator.
   */
  canManageRunner(user: UserRecord, runner: RunnerRecord): boolean {
    if (user.admin) {
      return true;
    }
    switch (runner.runnerType) {
      case 'group_type':
        return this.#runnerRole(user, runner) >= ACCESS_LEVELS.owner;
      case 'project_type': {
        const owner = this.#store.projects.get(runner.projectIds[0] ?? -1);
        return (
          owner !== undefined &&
          this.projectAccess(user, owner) >= ACCESS_LEVELS.maintainer
        );
      }
      default:
        return false;
    }
  }

  /** `current_user.ci_owned_runners`: what `GET /runners` lists. */
  ownsRunner(user: UserRecord, runner: RunnerRecord): boolean {
    if (runner.runnerType === 'group_type') {
      return this.#runnerRole(user, runner) >= ACCESS_LEVELS.owner;
    }
    if (runner.runnerType === 'project_type') {
      return this.#runnerRole(user, runner) >= ACCESS_LEVELS.maintainer;
    }
    return false;
  }

  #runnerRole(user: UserRecord, runner: RunnerRecord): number {
    if (runner.runnerType === 'group_type' && runner.groupId !== null) {
      return this.groupAccess(user, runner.groupId);
    }
    let level = 0;
    for (const projectId of runner.projectIds) {
      const project = this.#store.projects.get(projectId);
      if (project) {
        level = Math.max(level, this.projectAccess(user, project));
      }
    }
    return level;
  }

  #direct(
    user: UserRecord,
    source: 'group' | 'project',
    sourceId: number,
  ): number {
    let level = 0;
    for (const m of this.#store.memberships) {
      if (
        m.userId === user.id &&
        m.source === source &&
        m.sourceId === sourceId
      ) {
        level = Math.max(level, m.accessLevel);
      }
    }
    return level;
  }
}
