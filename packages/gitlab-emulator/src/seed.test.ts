import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { call, useEmulator } from './__testUtils__/api';
import { defaultSeed, seedTokens } from './model/seed';

interface Entity {
  kind: string;
  metadata: { name: string; title?: string; description?: string };
  spec: {
    parent?: string;
    children?: string[];
    memberOf?: string[];
    owner?: string;
    profile?: { displayName?: string };
  };
}

const examples = resolve(__dirname, '../../../examples');

function load(file: string): Entity[] {
  return parseAllDocuments(readFileSync(join(examples, file), 'utf8')).map(d =>
    d.toJSON(),
  );
}

const entities = [
  ...load('org/org.yaml'),
  ...load('org/users.yaml'),
  ...load('components/components.yaml'),
];
const ofKind = (kind: string) => entities.filter(e => e.kind === kind);

describe('default seed', () => {
  it('has every example group, with subgroups under their parent', () => {
    const groups = ofKind('Group').map(g => ({
      path: g.metadata.name,
      name: g.metadata.title,
      parent: g.spec.parent,
      description: g.metadata.description,
    }));
    expect(
      defaultSeed.groups.map(g => ({
        path: g.path,
        name: g.name,
        parent: g.parent,
        description: g.description,
      })),
    ).toEqual(groups);
  });

  it('has every example user, plus root and the fleet service account', () => {
    const users = ofKind('User').map(u => ({
      username: u.metadata.name,
      name: u.spec.profile?.displayName,
    }));
    expect(
      defaultSeed.users
        .filter(u => !u.admin && !u.bot)
        .map(u => ({ username: u.username, name: u.name })),
    ).toEqual(users);
    expect(defaultSeed.users.find(u => u.username === 'root')?.admin).toBe(
      true,
    );
  });

  it('makes every team member an Owner or Maintainer of the team group', () => {
    for (const user of ofKind('User')) {
      for (const team of user.spec.memberOf ?? []) {
        const group = defaultSeed.groups.find(g => g.path === team);
        const member = group?.members?.find(
          m => m.username === user.metadata.name,
        );
        expect([user.metadata.name, member?.role]).toEqual([
          user.metadata.name,
          expect.stringMatching(/^(owner|maintainer)$/),
        ]);
      }
    }
  });

  it('has one project per example component, in its owner team group', () => {
    const components = ofKind('Component').map(c => ({
      path: c.metadata.name,
      name: c.metadata.title,
      group: `engineering/${c.spec.owner}`,
      description: c.metadata.description,
    }));
    expect(
      defaultSeed.projects.map(p => ({
        path: p.path,
        name: p.name,
        group: p.group,
        description: p.description,
      })),
    ).toEqual(components);
  });
});

describe('seeded emulator', () => {
  const ctx = useEmulator();

  it('resolves groups and projects by id and by full path, with stable ids', async () => {
    const priya = seedTokens.users['priya.payments'];
    const byPath = await call(
      ctx.emulator,
      'GET',
      '/api/v4/projects/engineering%2Fpayments%2Fcheckout-web/jobs',
      { token: priya },
    );
    const byId = await call(ctx.emulator, 'GET', '/api/v4/projects/2/jobs', {
      token: priya,
    });
    expect([byPath.status, byId.status]).toEqual([200, 200]);
    const group = await call(ctx.emulator, 'GET', '/api/v4/groups/3/runners', {
      token: priya,
    });
    expect(group.status).toBe(200);
  });

  it('accepts the token as PRIVATE-TOKEN, Bearer or private_token parameter', async () => {
    const token = seedTokens.admin;
    const headers: Array<Record<string, string>> = [
      { 'private-token': token },
      { authorization: `Bearer ${token}` },
    ];
    for (const h of headers) {
      expect(
        (await call(ctx.emulator, 'GET', '/api/v4/runners/all', { headers: h }))
          .status,
      ).toBe(200);
    }
    expect(
      (
        await call(
          ctx.emulator,
          'GET',
          `/api/v4/runners/all?private_token=${token}`,
        )
      ).status,
    ).toBe(200);
  });
});
