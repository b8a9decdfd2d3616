import { call, useEmulator } from './__testUtils__/api';
import {
  expectDocumentedPagination,
  expectListedError,
} from './__testUtils__/shapes';
import { EmulatorSeed, seedTokens } from './model/seed';

const { admin, adminReadApi, expired, fleetBot, users } = seedTokens;
const priya = users['priya.payments'];
const guest = users.guest;
const mei = users['mei.mobile'];
const lena = users['lena.search'];

// Field sets of GitLab's entities (lib/api/entities/*.rb), as far as the
// emulator renders them; see the README for what is left out.

/** `Entities::ProjectIdentity` */
const PROJECT_IDENTITY = [
  'id',
  'description',
  'name',
  'name_with_namespace',
  'path',
  'path_with_namespace',
  'created_at',
];
/** `Entities::BasicProjectDetails` for a user without `read_code`. */
const BASIC_PROJECT_NO_CODE = [
  ...PROJECT_IDENTITY,
  'tag_list',
  'topics',
  'ssh_url_to_repo',
  'http_url_to_repo',
  'web_url',
  'avatar_url',
  'star_count',
  'last_activity_at',
  'visibility',
  'namespace',
];
/** `Entities::BasicProjectDetails` with `read_code`. */
const BASIC_PROJECT = [
  ...BASIC_PROJECT_NO_CODE,
  'default_branch',
  'readme_url',
  'forks_count',
];
/** `Entities::Project` for a user without `admin_project`. */
const PROJECT = [
  ...BASIC_PROJECT,
  '_links',
  'packages_enabled',
  'empty_repo',
  'archived',
  'resolve_outdated_diff_discussions',
  'issues_enabled',
  'merge_requests_enabled',
  'wiki_enabled',
  'jobs_enabled',
  'snippets_enabled',
  'repository_access_level',
  'builds_access_level',
  'emails_disabled',
  'emails_enabled',
  'shared_runners_enabled',
  'lfs_enabled',
  'import_status',
  'open_issues_count',
  'updated_at',
  'ci_config_path',
  'public_jobs',
  'shared_with_groups',
  'request_access_enabled',
];
/** `Entities::Project` for Maintainers, Owners and administrators. */
const PROJECT_ADMIN = [
  ...PROJECT,
  'ci_default_git_depth',
  'ci_job_token_scope_enabled',
  'runners_token',
  'group_runners_enabled',
  'auto_cancel_pending_pipelines',
  'build_timeout',
];
/** `Entities::NamespaceBasic` */
const NAMESPACE = [
  'id',
  'name',
  'path',
  'kind',
  'full_path',
  'parent_id',
  'avatar_url',
  'web_url',
];
/** `Entities::Group` */
const GROUP = [
  'id',
  'web_url',
  'name',
  'path',
  'description',
  'visibility',
  'share_with_group_lock',
  'require_two_factor_authentication',
  'two_factor_grace_period',
  'project_creation_level',
  'auto_devops_enabled',
  'subgroup_creation_level',
  'emails_disabled',
  'emails_enabled',
  'mentions_disabled',
  'lfs_enabled',
  'archived',
  'default_branch',
  'avatar_url',
  'request_access_enabled',
  'full_name',
  'full_path',
  'created_at',
  'parent_id',
  'organization_id',
  'shared_runners_setting',
  'marked_for_deletion_on',
];
/** `Entities::GroupDetail` of a subgroup, for a non-Owner, with projects. */
const GROUP_DETAIL = [
  ...GROUP,
  'shared_with_groups',
  'projects',
  'shared_projects',
];

const keys = (entity: object) => Object.keys(entity).sort();
const sorted = (fields: string[]) => [...fields].sort();
const ids = (body: Array<{ id: number }>) => body.map(p => p.id);

function rels(link: string | null): string[] {
  return [...(link ?? '').matchAll(/rel="(\w+)"/g)].map(m => m[1]);
}

function linkFor(link: string | null, rel: string): URL {
  const match = new RegExp(`<([^>]+)>; rel="${rel}"`).exec(link ?? '');
  if (!match) throw new Error(`no rel="${rel}" in ${link}`);
  return new URL(match[1]);
}

describe('GET /groups/:id, /projects/:id and /groups/:id/projects (default seed)', () => {
  const ctx = useEmulator();

  describe('GET /groups/:id', () => {
    it('answers GroupDetail by id or URL-encoded full path, with the group projects', async () => {
      const byId = await call(ctx.emulator, 'GET', '/api/v4/groups/3', {
        token: guest,
      });
      expect(byId.status).toBe(200);
      expect(keys(byId.body)).toEqual(sorted(GROUP_DETAIL));
      expect(byId.body).toMatchObject({
        id: 3,
        name: 'Payments',
        path: 'payments',
        full_name: 'Engineering / Payments',
        full_path: 'engineering/payments',
        parent_id: 1,
        visibility: 'private',
        description: 'Checkout, billing and the payment gateway.',
        web_url: `${ctx.emulator.url}/groups/engineering/payments`,
        avatar_url: null,
        shared_with_groups: [],
        shared_projects: [],
      });
      expect(byId.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
      // The group's own projects, newest first, as guest (Maintainer) sees them.
      expect(ids(byId.body.projects)).toEqual([2, 1]);
      expect(keys(byId.body.projects[0])).toEqual(sorted(PROJECT_ADMIN));
      const byPath = await call(
        ctx.emulator,
        'GET',
        '/api/v4/groups/Engineering%2FPayments',
        { token: guest },
      );
      expect(byPath.body).toEqual(byId.body);
    });

    it('adds runners_token (null) for Owners and prevent_sharing_… on top-level groups; with_projects=false drops projects', async () => {
      const owner = await call(
        ctx.emulator,
        'GET',
        '/api/v4/groups/3?with_projects=false',
        { token: priya },
      );
      expect(keys(owner.body)).toEqual(
        sorted([...GROUP, 'shared_with_groups', 'runners_token']),
      );
      expect(owner.body.runners_token).toBeNull();
      const root = await call(
        ctx.emulator,
        'GET',
        '/api/v4/groups/engineering',
        {
          token: fleetBot,
        },
      );
      expect(keys(root.body)).toEqual(
        sorted([
          ...GROUP_DETAIL,
          'runners_token',
          'prevent_sharing_groups_outside_hierarchy',
        ]),
      );
      expect(root.body).toMatchObject({
        full_name: 'Engineering',
        parent_id: null,
        prevent_sharing_groups_outside_hierarchy: false,
        projects: [],
      });
    });

    it('lets members of a subgroup see the parent group', async () => {
      const res = await call(ctx.emulator, 'GET', '/api/v4/groups/1', {
        token: mei,
      });
      expect(res.status).toBe(200);
      expect(res.body).not.toHaveProperty('runners_token');
    });

    it('answers 404 Group Not Found for non-members, unknown groups and anonymous requests', async () => {
      for (const [path, token] of [
        ['/api/v4/groups/3', mei],
        ['/api/v4/groups/engineering%2Fpayments', mei],
        ['/api/v4/groups/999', admin],
        ['/api/v4/groups/engineering%2Fnope', admin],
        ['/api/v4/groups/3', undefined],
      ]) {
        const res = await call(ctx.emulator, 'GET', path!, { token });
        expect({ path, status: res.status, body: res.body }).toEqual({
          path,
          status: 404,
          body: { message: '404 Group Not Found' },
        });
        expectListedError(res);
      }
    });

    it('checks the token before anything else, and the parameters before the group', async () => {
      const unknown = await call(ctx.emulator, 'GET', '/api/v4/groups/999', {
        token: 'glpat-nope',
      });
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual({ message: '401 Unauthorized' });
      const old = await call(ctx.emulator, 'GET', '/api/v4/groups/3', {
        token: expired,
      });
      expect(old.body.error).toBe('invalid_token');
      const invalid = await call(
        ctx.emulator,
        'GET',
        '/api/v4/groups/999?with_projects=maybe',
        { token: admin },
      );
      expect({ status: invalid.status, body: invalid.body }).toEqual({
        status: 400,
        body: { error: 'with_projects is invalid' },
      });
      const readApi = await call(ctx.emulator, 'GET', '/api/v4/groups/3', {
        token: adminReadApi,
      });
      expect(readApi.status).toBe(200);
    });

    it('adds custom_attributes for administrators who ask', async () => {
      const res = await call(
        ctx.emulator,
        'GET',
        '/api/v4/groups/3?with_custom_attributes=true',
        { token: admin },
      );
      expect(res.body.custom_attributes).toEqual([]);
      expect(res.body.projects[0].custom_attributes).toEqual([]);
      const member = await call(
        ctx.emulator,
        'GET',
        '/api/v4/groups/3?with_custom_attributes=true',
        { token: priya },
      );
      expect(member.body).not.toHaveProperty('custom_attributes');
    });
  });

  describe('GET /projects/:id', () => {
    it('answers ProjectWithAccess by id or full path', async () => {
      const res = await call(
        ctx.emulator,
        'GET',
        '/api/v4/projects/engineering%2Fpayments%2Fpayment-gateway',
        { token: priya },
      );
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted([...PROJECT_ADMIN, 'permissions']));
      const url = ctx.emulator.url;
      const host = new URL(url).hostname;
      expect(res.body).toMatchObject({
        id: 1,
        name: 'Payment gateway',
        path: 'payment-gateway',
        path_with_namespace: 'engineering/payments/payment-gateway',
        name_with_namespace: 'Engineering / Payments / Payment gateway',
        description: 'Talks to card acquirers; PCI scope.',
        visibility: 'private',
        default_branch: 'main',
        web_url: `${url}/engineering/payments/payment-gateway`,
        http_url_to_repo: `${url}/engineering/payments/payment-gateway.git`,
        ssh_url_to_repo: `git@${host}:engineering/payments/payment-gateway.git`,
        shared_runners_enabled: true,
        group_runners_enabled: true,
        runners_token: null,
        archived: false,
        tag_list: [],
        topics: [],
        _links: { self: `${url}/api/v4/projects/1` },
        permissions: {
          project_access: null,
          group_access: { access_level: 50, notification_level: 3 },
        },
      });
      expect(keys(res.body.namespace)).toEqual(sorted(NAMESPACE));
      expect(res.body.namespace).toEqual({
        id: 3,
        name: 'Payments',
        path: 'payments',
        kind: 'group',
        full_path: 'engineering/payments',
        parent_id: 1,
        avatar_url: null,
        web_url: `${url}/groups/engineering/payments`,
      });
      const byId = await call(ctx.emulator, 'GET', '/api/v4/projects/1', {
        token: priya,
      });
      expect(byId.body).toEqual(res.body);
    });

    it('reports the highest role on the group or an ancestor in group_access', async () => {
      const res = await call(ctx.emulator, 'GET', '/api/v4/projects/3', {
        token: fleetBot,
      });
      expect(res.body.permissions).toEqual({
        project_access: null,
        group_access: { access_level: 50, notification_level: 3 },
      });
      const adminView = await call(ctx.emulator, 'GET', '/api/v4/projects/3', {
        token: admin,
      });
      expect(adminView.body.permissions).toEqual({
        project_access: null,
        group_access: null,
      });
      expect(keys(adminView.body)).toEqual(
        sorted([...PROJECT_ADMIN, 'permissions']),
      );
    });

    it('adds statistics, license and custom_attributes when asked', async () => {
      const res = await call(
        ctx.emulator,
        'GET',
        '/api/v4/projects/1?statistics=true&license=true&with_custom_attributes=true',
        { token: admin },
      );
      expect(res.body).toMatchObject({
        license_url: null,
        license: null,
        custom_attributes: [],
        statistics: { commit_count: 0, storage_size: 0, repository_size: 0 },
      });
    });

    it('answers 404 Project Not Found for invisible and unknown projects', async () => {
      for (const [path, token] of [
        ['/api/v4/projects/1', mei],
        ['/api/v4/projects/engineering%2Fpayments%2Fcheckout-web', lena],
        ['/api/v4/projects/999', admin],
        ['/api/v4/projects/engineering%2Fnope', admin],
        ['/api/v4/projects/1', undefined],
      ]) {
        const res = await call(ctx.emulator, 'GET', path!, { token });
        expect({ path, status: res.status, body: res.body }).toEqual({
          path,
          status: 404,
          body: { message: '404 Project Not Found' },
        });
        expectListedError(res);
      }
      const invalid = await call(
        ctx.emulator,
        'GET',
        '/api/v4/projects/1?statistics=lots',
        { token: admin },
      );
      expect(invalid.body).toEqual({ error: 'statistics is invalid' });
    });
  });

  describe('GET /groups/:id/projects', () => {
    const path = '/api/v4/groups/engineering/projects';

    it('lists only the group’s own projects unless include_subgroups', async () => {
      const own = await call(ctx.emulator, 'GET', path, { token: fleetBot });
      expect(own.status).toBe(200);
      expect(own.body).toEqual([]);
      expect(own.headers.get('x-total')).toBe('0');
      const all = await call(
        ctx.emulator,
        'GET',
        `${path}?include_subgroups=true`,
        { token: fleetBot },
      );
      // Default order: created_at desc, which GitLab turns into id desc.
      expect(ids(all.body)).toEqual([7, 6, 5, 4, 3, 2, 1]);
      for (const item of all.body) {
        expect(keys(item)).toEqual(sorted(PROJECT_ADMIN));
      }
      const payments = await call(
        ctx.emulator,
        'GET',
        '/api/v4/groups/engineering%2Fpayments/projects',
        { token: guest },
      );
      expect(ids(payments.body)).toEqual([2, 1]);
    });

    it('includes ancestor groups’ projects with include_ancestor_groups', async () => {
      const res = await call(
        ctx.emulator,
        'GET',
        '/api/v4/groups/1/projects?include_ancestor_groups=true',
        { token: admin },
      );
      expect(res.body).toEqual([]);
      const fromSubgroup = await call(
        ctx.emulator,
        'GET',
        '/api/v4/groups/3/projects?include_ancestor_groups=true',
        { token: admin },
      );
      expect(ids(fromSubgroup.body)).toEqual([2, 1]);
    });

    it('lists only the projects the user can see', async () => {
      const res = await call(
        ctx.emulator,
        'GET',
        `${path}?include_subgroups=true`,
        { token: lena },
      );
      expect(ids(res.body)).toEqual([4, 3]);
      const hidden = await call(
        ctx.emulator,
        'GET',
        '/api/v4/groups/engineering%2Fsearch/projects',
        { token: mei },
      );
      expect(hidden.status).toBe(404);
      expect(hidden.body).toEqual({ message: '404 Group Not Found' });
    });

    it('renders BasicProjectDetails with simple=true', async () => {
      const res = await call(
        ctx.emulator,
        'GET',
        `${path}?include_subgroups=true&simple=true`,
        { token: fleetBot },
      );
      expect(res.body).toHaveLength(7);
      for (const item of res.body) {
        expect(keys(item)).toEqual(sorted(BASIC_PROJECT));
      }
    });

    it('orders by order_by and sort, ties broken by id', async () => {
      const list = async (query: string) =>
        (
          await call(
            ctx.emulator,
            'GET',
            `${path}?include_subgroups=true&${query}`,
            { token: admin },
          )
        ).body.map((p: { path: string }) => p.path);
      expect(await list('order_by=name&sort=asc')).toEqual([
        'android-app',
        'checkout-web',
        'payment-gateway',
        'runner-fleet',
        'search-api',
        'search-indexer',
        'windows-desktop-app',
      ]);
      expect(await list('order_by=path&sort=desc')).toEqual([
        'windows-desktop-app',
        'search-indexer',
        'search-api',
        'runner-fleet',
        'payment-gateway',
        'checkout-web',
        'android-app',
      ]);
      expect(await list('order_by=id&sort=asc')).toEqual([
        'payment-gateway',
        'checkout-web',
        'search-api',
        'search-indexer',
        'android-app',
        'windows-desktop-app',
        'runner-fleet',
      ]);
      expect(await list('order_by=last_activity_at&sort=asc')).toEqual(
        await list('order_by=id&sort=asc'),
      );
    });

    it('filters by search, visibility, min_access_level, archived and starred', async () => {
      const query = async (q: string, token = admin) =>
        ids(
          (
            await call(
              ctx.emulator,
              'GET',
              `${path}?include_subgroups=true&${q}`,
              { token },
            )
          ).body,
        );
      expect(await query('search=search')).toEqual([4, 3]);
      expect(await query('search=GATEWAY')).toEqual([1]);
      expect(await query('visibility=private')).toHaveLength(7);
      expect(await query('visibility=public')).toEqual([]);
      expect(await query('min_access_level=50', priya)).toEqual([2, 1]);
      expect(await query('min_access_level=50')).toEqual([]);
      expect(await query('archived=true')).toEqual([]);
      expect(await query('archived=false')).toHaveLength(7);
      expect(await query('starred=true')).toEqual([]);
      expect(await query('owned=true', lena)).toEqual([4, 3]);
    });

    it('paginates with offset headers, repeating every parameter in link', async () => {
      const res = await call(
        ctx.emulator,
        'GET',
        `${path}?include_subgroups=true&per_page=3&page=2`,
        { token: fleetBot },
      );
      expect(ids(res.body)).toEqual([4, 3, 2]);
      expect(
        Object.fromEntries(
          [
            'x-page',
            'x-per-page',
            'x-next-page',
            'x-prev-page',
            'x-total',
            'x-total-pages',
          ].map(h => [h, res.headers.get(h)]),
        ),
      ).toEqual({
        'x-page': '2',
        'x-per-page': '3',
        'x-next-page': '3',
        'x-prev-page': '1',
        'x-total': '7',
        'x-total-pages': '3',
      });
      const link = res.headers.get('link');
      expect(rels(link)).toEqual(['prev', 'next', 'first', 'last']);
      const next = linkFor(link, 'next');
      expect(`${next.origin}${next.pathname}`).toBe(
        `${ctx.emulator.url}${path}`,
      );
      expect(Object.fromEntries(next.searchParams)).toEqual({
        id: 'engineering',
        include_ancestor_groups: 'false',
        include_subgroups: 'true',
        order_by: 'created_at',
        owned: 'false',
        page: '3',
        per_page: '3',
        simple: 'false',
        sort: 'desc',
        starred: 'false',
        with_custom_attributes: 'false',
        with_issues_enabled: 'false',
        with_merge_requests_enabled: 'false',
        with_shared: 'true',
      });
      expectDocumentedPagination(res);
      const last = await call(
        ctx.emulator,
        'GET',
        `${path}?include_subgroups=true&per_page=3&page=3`,
        { token: fleetBot },
      );
      expect(ids(last.body)).toEqual([1]);
      expect(last.headers.get('x-next-page')).toBe('');
      const capped = await call(
        ctx.emulator,
        'GET',
        `${path}?include_subgroups=true&per_page=500`,
        { token: fleetBot },
      );
      expect(capped.headers.get('x-per-page')).toBe('100');
    });

    it('rejects invalid parameters with Grape messages', async () => {
      const res = await call(
        ctx.emulator,
        'GET',
        `${path}?order_by=stars&sort=up&include_subgroups=perhaps&min_access_level=25`,
        { token: admin },
      );
      expect({ status: res.status, body: res.body }).toEqual({
        status: 400,
        body: {
          error:
            'order_by does not have a valid value, sort does not have a valid value, include_subgroups is invalid, min_access_level does not have a valid value',
        },
      });
    });
  });
});

/** Public, internal and private groups and projects, and a narrow token. */
const visibilitySeed: EmulatorSeed = {
  users: [
    { username: 'root', name: 'Administrator', admin: true },
    { username: 'dev', name: 'Dev' },
    { username: 'visitor', name: 'Visitor' },
    { username: 'outsider', name: 'Outsider' },
  ],
  groups: [
    { path: 'oss', name: 'OSS', visibility: 'public' },
    { path: 'corp', name: 'Corp', visibility: 'internal' },
  ],
  projects: [
    { path: 'lib', name: 'Lib', group: 'oss', visibility: 'public' },
    {
      path: 'secret',
      name: 'Secret',
      group: 'oss',
      members: [
        { username: 'dev', role: 'reporter' },
        { username: 'visitor', role: 'guest' },
      ],
    },
    { path: 'tool', name: 'Tool', group: 'corp', visibility: 'internal' },
  ],
  tokens: [
    { username: 'root', token: 'glpat-vis-root', scopes: ['api'] },
    { username: 'dev', token: 'glpat-vis-dev', scopes: ['read_api'] },
    { username: 'visitor', token: 'glpat-vis-visitor', scopes: ['api'] },
    { username: 'outsider', token: 'glpat-vis-outsider', scopes: ['api'] },
    {
      username: 'outsider',
      token: 'glpat-vis-runner-only',
      scopes: ['create_runner'],
    },
  ],
};

describe('visibility: public, internal, private and anonymous requests', () => {
  const ctx = useEmulator({ seed: visibilitySeed });

  it('shows public groups and projects without a token, and nothing else', async () => {
    const group = await call(ctx.emulator, 'GET', '/api/v4/groups/oss');
    expect(group.status).toBe(200);
    expect(ids(group.body.projects)).toEqual([1]);
    expect(group.body).not.toHaveProperty('runners_token');
    const project = await call(
      ctx.emulator,
      'GET',
      '/api/v4/projects/oss%2Flib',
    );
    // Anonymous: ProjectDetails, i.e. BasicProjectDetails, without permissions.
    expect(keys(project.body)).toEqual(sorted(BASIC_PROJECT));
    const list = await call(ctx.emulator, 'GET', '/api/v4/groups/oss/projects');
    expect(ids(list.body)).toEqual([1]);
    for (const hidden of [
      '/api/v4/groups/corp',
      '/api/v4/projects/oss%2Fsecret',
      '/api/v4/projects/corp%2Ftool',
    ]) {
      const res = await call(ctx.emulator, 'GET', hidden);
      expect(res.status).toBe(404);
    }
  });

  it('shows internal groups and projects to every signed-in user', async () => {
    const token = 'glpat-vis-outsider';
    const group = await call(ctx.emulator, 'GET', '/api/v4/groups/corp', {
      token,
    });
    expect(group.status).toBe(200);
    const project = await call(ctx.emulator, 'GET', '/api/v4/projects/3', {
      token,
    });
    expect(keys(project.body)).toEqual(sorted([...PROJECT, 'permissions']));
    expect(project.body.permissions).toEqual({
      project_access: null,
      group_access: null,
    });
    const secret = await call(ctx.emulator, 'GET', '/api/v4/projects/2', {
      token,
    });
    expect(secret.body).toEqual({ message: '404 Project Not Found' });
  });

  it('hides settings from non-Maintainers and code fields from Guests of private projects', async () => {
    const reporter = await call(ctx.emulator, 'GET', '/api/v4/projects/2', {
      token: 'glpat-vis-dev',
    });
    expect(keys(reporter.body)).toEqual(sorted([...PROJECT, 'permissions']));
    expect(reporter.body.permissions).toEqual({
      project_access: { access_level: 20, notification_level: 3 },
      group_access: null,
    });
    const guestView = await call(
      ctx.emulator,
      'GET',
      '/api/v4/projects/2?statistics=true',
      { token: 'glpat-vis-visitor' },
    );
    expect(keys(guestView.body)).toEqual(
      sorted(
        [...PROJECT, 'permissions'].filter(
          f =>
            ![
              'default_branch',
              'readme_url',
              'forks_count',
              'ci_config_path',
            ].includes(f),
        ),
      ),
    );
    const list = await call(
      ctx.emulator,
      'GET',
      '/api/v4/groups/oss/projects?simple=true',
      { token: 'glpat-vis-visitor' },
    );
    expect(list.body.map((p: object) => keys(p))).toEqual([
      sorted(BASIC_PROJECT_NO_CODE),
      sorted(BASIC_PROJECT),
    ]);
  });

  it('answers 403 insufficient_scope to tokens without api, read_api or ai_workflows', async () => {
    for (const path of [
      '/api/v4/groups/oss',
      '/api/v4/projects/1',
      '/api/v4/groups/oss/projects',
    ]) {
      const res = await call(ctx.emulator, 'GET', path, {
        token: 'glpat-vis-runner-only',
      });
      expect({ path, status: res.status, body: res.body }).toEqual({
        path,
        status: 403,
        body: {
          error: 'insufficient_scope',
          error_description:
            'The request requires higher privileges than provided by the access token.',
          scope: 'ai_workflows api read_api',
        },
      });
    }
  });
});
