import {
  AccessTokenRecord,
  EmulatorData,
  GroupRecord,
  JobRecord,
  MembershipRecord,
  PipelineRecord,
  ProjectRecord,
  RunnerManagerRecord,
  RunnerRecord,
  SequenceName,
  UserRecord,
} from './types';

const SEQUENCES: SequenceName[] = [
  'users',
  'groups',
  'projects',
  'tokens',
  'runners',
  'runnerManagers',
  'pipelines',
  'jobs',
];

function byId<T extends { id: number }>(records: T[]): Map<number, T> {
  return new Map(records.map(r => [r.id, r]));
}

/**
 * The emulated GitLab's tables, held in memory. Lookups that GitLab resolves
 * by "numeric id or URL-encoded full path" live here so every route resolves
 * them the same way.
 */
export class Store {
  readonly users: Map<number, UserRecord>;
  readonly groups: Map<number, GroupRecord>;
  readonly projects: Map<number, ProjectRecord>;
  readonly tokens: Map<number, AccessTokenRecord>;
  readonly runners: Map<number, RunnerRecord>;
  readonly runnerManagers: Map<number, RunnerManagerRecord>;
  readonly pipelines: Map<number, PipelineRecord>;
  readonly jobs: Map<number, JobRecord>;
  memberships: MembershipRecord[];
  readonly #sequences: Record<SequenceName, number>;

  static fromData(data: EmulatorData): Store {
    return new Store(structuredClone(data));
  }

  private constructor(data: EmulatorData) {
    this.users = byId(data.users);
    this.groups = byId(data.groups);
    this.projects = byId(data.projects);
    this.tokens = byId(data.tokens);
    this.runners = byId(data.runners);
    this.runnerManagers = byId(data.runnerManagers);
    this.pipelines = byId(data.pipelines);
    this.jobs = byId(data.jobs);
    this.memberships = data.memberships;
    this.#sequences = { ...data.sequences };
    for (const name of SEQUENCES) {
      this.#sequences[name] ??= 0;
    }
  }

  /** A deep copy of everything, suitable for JSON. */
  toData(): EmulatorData {
    return structuredClone({
      users: [...this.users.values()],
      groups: [...this.groups.values()],
      projects: [...this.projects.values()],
      memberships: this.memberships,
      tokens: [...this.tokens.values()],
      runners: [...this.runners.values()],
      runnerManagers: [...this.runnerManagers.values()],
      pipelines: [...this.pipelines.values()],
      jobs: [...this.jobs.values()],
      sequences: this.#sequences,
    });
  }

  nextId(sequence: SequenceName): number {
    this.#sequences[sequence] += 1;
    return this.#sequences[sequence];
  }

  findUserByUsername(username: string): UserRecord | undefined {
    const wanted = username.toLowerCase();
    return [...this.users.values()].find(
      u => u.username.toLowerCase() === wanted,
    );
  }

  findAccessToken(token: string): AccessTokenRecord | undefined {
    return [...this.tokens.values()].find(t => t.token === token);
  }

  findRunnerByToken(token: string): RunnerRecord | undefined {
    if (!token) {
      return undefined;
    }
    return [...this.runners.values()].find(r => r.token === token);
  }

  /** Resolves `:id` the way GitLab does: a numeric id, else a full path. */
  findGroup(idOrPath: string): GroupRecord | undefined {
    if (/^\d+$/.test(idOrPath)) {
      return this.groups.get(Number(idOrPath));
    }
    const wanted = idOrPath.toLowerCase();
    return [...this.groups.values()].find(
      g => g.fullPath.toLowerCase() === wanted,
    );
  }

  /** Resolves `:id` the way GitLab does: a numeric id, else a full path. */
  findProject(idOrPath: string): ProjectRecord | undefined {
    if (/^\d+$/.test(idOrPath)) {
      return this.projects.get(Number(idOrPath));
    }
    const wanted = idOrPath.toLowerCase();
    return [...this.projects.values()].find(
      p => this.projectFullPath(p).toLowerCase() === wanted,
    );
  }

  projectFullPath(project: ProjectRecord): string {
    const group = this.groups.get(project.groupId);
    return group ? `${group.fullPath}/${project.path}` : project.path;
  }

  projectNameWithNamespace(project: ProjectRecord): string {
    const names = this.groupAncestry(project.groupId).map(g => g.name);
    return [...names, project.name].join(' / ');
  }

  /** The group and its ancestors, root first. */
  groupAncestry(groupId: number | null): GroupRecord[] {
    const chain: GroupRecord[] = [];
    let current = groupId === null ? undefined : this.groups.get(groupId);
    while (current) {
      chain.unshift(current);
      current =
        current.parentId === null
          ? undefined
          : this.groups.get(current.parentId);
    }
    return chain;
  }

  /** True when `groupId` is `ancestorId` or one of its descendants. */
  isGroupWithin(groupId: number, ancestorId: number): boolean {
    return this.groupAncestry(groupId).some(g => g.id === ancestorId);
  }

  managersOf(runnerId: number): RunnerManagerRecord[] {
    return [...this.runnerManagers.values()]
      .filter(m => m.runnerId === runnerId)
      .sort((a, b) => a.id - b.id);
  }

  jobsOf(runnerId: number): JobRecord[] {
    return [...this.jobs.values()].filter(j => j.runnerId === runnerId);
  }

  deleteRunner(runnerId: number): void {
    this.runners.delete(runnerId);
    for (const manager of this.managersOf(runnerId)) {
      this.runnerManagers.delete(manager.id);
    }
  }
}
