import { EmulatorSeed, SeedMember } from './seed';
import {
  ACCESS_LEVELS,
  AccessTokenRecord,
  EmulatorData,
  GroupRecord,
  MembershipRecord,
  ProjectRecord,
  UserRecord,
} from './types';

/**
 * Turns a seed into the initial tables. Ids are assigned in seed order, so
 * the default seed always gives the same ids. Throws on a seed that refers to
 * a user or group it does not define, naming the reference.
 */
export function buildInitialData(
  seed: EmulatorSeed,
  now: string,
): EmulatorData {
  const users: UserRecord[] = seed.users.map((u, i) => ({
    id: i + 1,
    username: u.username,
    name: u.name,
    email: u.email ?? `${u.username}@example.com`,
    admin: u.admin ?? false,
    bot: u.bot ?? false,
    state: 'active',
    createdAt: now,
  }));
  const userId = (username: string, where: string): number => {
    const user = users.find(u => u.username === username);
    if (!user) {
      throw new Error(
        `seed ${where} refers to user '${username}', which the seed does not define`,
      );
    }
    return user.id;
  };

  const memberships: MembershipRecord[] = [];
  const addMembers = (
    source: 'group' | 'project',
    sourceId: number,
    members: SeedMember[] | undefined,
    where: string,
  ) => {
    for (const m of members ?? []) {
      memberships.push({
        source,
        sourceId,
        userId: userId(m.username, where),
        accessLevel: ACCESS_LEVELS[m.role],
      });
    }
  };

  const groups: GroupRecord[] = [];
  seed.groups.forEach((g, i) => {
    const parent = g.parent
      ? groups.find(p => p.fullPath === g.parent)
      : undefined;
    if (g.parent && !parent) {
      throw new Error(
        `seed group '${g.path}' has parent '${g.parent}', which is not defined before it`,
      );
    }
    const group: GroupRecord = {
      id: i + 1,
      name: g.name,
      path: g.path,
      fullPath: parent ? `${parent.fullPath}/${g.path}` : g.path,
      parentId: parent?.id ?? null,
      description: g.description ?? '',
      visibility: g.visibility ?? 'private',
      createdAt: now,
    };
    groups.push(group);
    addMembers('group', group.id, g.members, `group '${group.fullPath}'`);
  });

  const projects: ProjectRecord[] = seed.projects.map((p, i) => {
    const group = groups.find(g => g.fullPath === p.group);
    if (!group) {
      throw new Error(
        `seed project '${p.path}' is in group '${p.group}', which the seed does not define`,
      );
    }
    const project: ProjectRecord = {
      id: i + 1,
      name: p.name,
      path: p.path,
      groupId: group.id,
      description: p.description ?? '',
      defaultBranch: 'main',
      visibility: p.visibility ?? 'private',
      sharedRunnersEnabled: true,
      groupRunnersEnabled: true,
      createdAt: now,
    };
    addMembers('project', project.id, p.members, `project '${p.path}'`);
    return project;
  });

  const tokens: AccessTokenRecord[] = seed.tokens.map((t, i) => ({
    id: i + 1,
    userId: userId(t.username, `token '${t.name ?? t.scopes.join(',')}'`),
    name: t.name ?? `seed-${t.username}-${i + 1}`,
    token: t.token,
    scopes: [...t.scopes],
    expiresAt: t.expiresAt ?? null,
    revoked: t.revoked ?? false,
    createdAt: now,
  }));

  return {
    users,
    groups,
    projects,
    memberships,
    tokens,
    runners: [],
    runnerManagers: [],
    pipelines: [],
    jobs: [],
    sequences: {
      users: users.length,
      groups: groups.length,
      projects: projects.length,
      tokens: tokens.length,
      runners: 0,
      runnerManagers: 0,
      pipelines: 0,
      jobs: 0,
    },
  };
}
