import { CoreV1Api } from '@kubernetes/client-node';
import {
  GitLabEmulator,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { readTestClusterConnection } from '@runner-fleet/testenv/jest';
import { kubeConfigFor } from '@runner-fleet/testenv';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  CapturedLogs,
  startExampleBackend,
} from './__testUtils__/exampleBackend';
import { listRoutes, Route } from './__testUtils__/routes';
import { Needles, scanFiles, scanTexts } from './__testUtils__/secretScan';

jest.setTimeout(600_000);

const KEDA_TOKEN = 'local-dev-keda-scaling-token'; // app-config.yaml's default
// Unique per run: the control plane may be shared with other test files and earlier runs.
const RUN = randomBytes(3).toString('hex');
const POOL = `sec-matrix-${RUN}`;
const CANARY = `matrix-canary-${RUN}`;
const PROBE = `matrix-probe-${RUN}`;
const SERVICE_TOKEN = 'security-test-service-token-0123456789';
const IDENTITIES = [
  'anonymous',
  'keda',
  'service',
  'other',
  'own',
  'platform',
] as const;
type Who = (typeof IDENTITIES)[number];

/**
 * Routes anyone may call, by Backstage's design: health, public keys, clearing the auth
 * cookie, sign-in (the auth plugin serves its whole router unauthenticated and checks tokens
 * itself where it must, e.g. /v1/userinfo), the unknown-plugin 404, the app's static files.
 */
const PUBLIC = [
  /^\/\.backstage\/health\//,
  /^\/api\/(permission|signals)\/health$/,
  /^(\/api\/[\w-]+)?\/\.backstage\/auth\/v1\/(jwks\.json|cookie)$/,
  /^\/api\/auth\/(?!v1\/)/,
  /^\/api\/no-such-plugin$/,
  /^\/api\/app(\/|$)/,
  /^\/$/, // the frontend's index.html, when packages/app is built
];

const KUBERNETES_PROXY_PROBES: Array<{
  method: Route['method'];
  path: string;
  body?: object;
}> = [
  { method: 'GET', path: '/api/kubernetes/proxy/api/v1/secrets' },
  {
    method: 'GET',
    path: '/api/kubernetes/proxy/api/v1/namespaces/runners-payments/secrets',
  },
  {
    method: 'POST',
    path: '/api/kubernetes/proxy/api/v1/namespaces/runners-search/secrets',
    body: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: PROBE },
    },
  },
  {
    method: 'DELETE',
    path: `/api/kubernetes/proxy/api/v1/namespaces/runners-payments/secrets/${CANARY}`,
  },
];

/**
 * Server errors that are upstream input handling, not access: the Kubernetes plugin and
 * user-settings answer 500 to an empty JSON body; the Kubernetes proxy, when the policy lets
 * a service token through (Backstage does not ask the policy for service principals),
 * imports @kubernetes/client-node dynamically, which Jest cannot do (a real backend forwards
 * as the read-only portal viewer, tested in packages/testenv).
 */
const KNOWN_UPSTREAM_500: Array<(cell: Cell) => boolean> = [
  c => c.method === 'POST' && c.path === '/api/kubernetes/services/x',
  c => c.method === 'POST' && c.path === '/api/user-settings/multiget',
  c => c.who === 'service' && c.path.startsWith('/api/kubernetes/proxy/'),
];

const isScaling = (c: Cell) =>
  c.method === 'GET' && c.path.startsWith('/api/runners/scaling/pools/');

/** Exact codes where the example policy decides (`:pool` is the payments pool). */
const EXPECTED: Array<[string, string, Partial<Record<Who, number>>]> = [
  ...[
    '/api/runners/pools/:pool',
    '/api/runners/pools/:pool/events',
    '/api/runners/pools/:pool/health',
  ].map(
    path =>
      [
        'GET',
        path,
        {
          anonymous: 401,
          keda: 403,
          service: 200,
          other: 404,
          own: 200,
          platform: 200,
        },
      ] as [string, string, Partial<Record<Who, number>>],
  ),
  [
    'GET',
    '/api/runners/scaling/pools/:pool',
    {
      anonymous: 401,
      keda: 200,
      service: 200,
      other: 403,
      own: 403,
      platform: 200,
    },
  ],
  [
    'GET',
    '/api/runners/health',
    {
      anonymous: 401,
      keda: 403,
      service: 200,
      other: 403,
      own: 403,
      platform: 200,
    },
  ],
  [
    'GET',
    '/api/runners/.backstage/scheduler/v1/tasks',
    { anonymous: 401, keda: 403 },
  ],
  [
    'PATCH',
    '/api/runners/pools/:pool',
    { anonymous: 401, keda: 403, service: 403, other: 404 },
  ],
  [
    'DELETE',
    '/api/runners/pools/:pool',
    { anonymous: 401, keda: 403, service: 403, other: 404 },
  ],
  ['POST', '/api/runners/pools', { anonymous: 401, keda: 403 }],
  [
    'DELETE',
    '/api/catalog/entities/by-uid/x',
    { anonymous: 401, keda: 403, other: 403, own: 403, platform: 204 },
  ],
];

interface Cell {
  who: Who;
  method: string;
  path: string;
  status: number;
}

describe('identity × route matrix and token scan of the example backend', () => {
  let emulator: GitLabEmulator;
  let server: Awaited<ReturnType<typeof startExampleBackend>>['server'];
  const logs = new CapturedLogs();
  const dataDir = mkdtempSync(join(tmpdir(), 'runner-fleet-security-'));
  const cluster = readTestClusterConnection();
  const tokens: Partial<Record<Who, string>> = {
    keda: KEDA_TOKEN,
    service: SERVICE_TOKEN,
  };
  const responses: Array<{ where: string; text: string }> = [];
  const cells: Cell[] = [];
  let poolId = '';
  const runnerTokens: string[] = [];

  const send = async (
    who: Who,
    method: Route['method'],
    path: string,
    body?: object,
  ) => {
    const verb = method === 'ANY' ? 'get' : method.toLowerCase();
    let req = (
      request(server) as unknown as Record<string, (p: string) => request.Test>
    )
      [verb](path)
      .set('Backstage-Kubernetes-Cluster', 'local')
      .set('X-Requested-With', 'XMLHttpRequest');
    if (tokens[who]) req = req.set('Authorization', `Bearer ${tokens[who]}`);
    if (body && method !== 'GET' && method !== 'DELETE') req = req.send(body);
    const res = await req;
    responses.push({
      where: `${who} ${method} ${path} → ${res.status}`,
      text: res.text ?? '',
    });
    return res;
  };

  async function signIn(user: string): Promise<string> {
    // The catalog reads examples/org after start; in a full parallel test run on two busy
    // cores that has taken more than a minute.
    for (let i = 0; i < 360; i++) {
      const res = await request(server)
        .get(`/api/auth/testusers/refresh?user=${user}`)
        .set('X-Requested-With', 'XMLHttpRequest');
      if (res.status === 200) return res.body.backstageIdentity.token;
      await new Promise(r => setTimeout(r, 500)); // the catalog is still reading examples/org
    }
    throw new Error(`could not sign in as ${user}`);
  }

  beforeAll(async () => {
    emulator = await startGitLabEmulator();
    ({ server } = await startExampleBackend({
      dataDir,
      cluster,
      gitlabUrl: emulator.url,
      logs,
      extraExternalAccess: [
        {
          type: 'static',
          options: { token: SERVICE_TOKEN, subject: 'matrix-service' },
        },
      ],
    }));
    tokens.own = await signIn('priya.payments');
    tokens.other = await signIn('lena.search');
    tokens.platform = await signIn('ada.platform');
    // The search index is built by a scheduled task after start; until then the search
    // backend answers 500 (missing index). Wait for it, as for the catalog above.
    for (let i = 0; i < 360; i++) {
      const res = await send('platform', 'GET', '/api/search/query');
      if (res.status < 500) break;
      await new Promise(r => setTimeout(r, 500));
    }

    const created = await send('own', 'POST', '/api/runners/pools', {
      team: 'payments',
      name: POOL,
      flavor: 'm1.large',
      autoscaling: { minReplicas: 0, maxReplicas: 2 },
      gitlab: { scope: { type: 'group', path: 'engineering/payments' } },
    });
    if (created.status !== 202) {
      throw new Error(`creating the test pool failed: ${created.text}`);
    }
    poolId = created.body.pool.id;

    // The reconciler registers the GitLab runner and writes its token into a Secret.
    const core = kubeConfigFor(cluster, 'admin').makeApiClient(CoreV1Api);
    for (let i = 0; i < 120 && runnerTokens.length === 0; i++) {
      const secret = await core
        .readNamespacedSecret({
          namespace: 'runners-payments',
          name: `rf-${POOL}-token`,
        })
        .catch(() => undefined);
      const value =
        secret?.data?.token &&
        Buffer.from(secret.data.token, 'base64').toString();
      if (value) runnerTokens.push(value);
      else await new Promise(r => setTimeout(r, 500));
    }
    // A Secret that a DELETE through the Kubernetes proxy would remove.
    await core.createNamespacedSecret({
      namespace: 'runners-payments',
      body: {
        metadata: { name: CANARY },
        stringData: { note: 'must survive' },
      },
    });
  });
  afterAll(() => emulator?.stop());

  const needles = (): Needles => ({
    values: {
      ...Object.fromEntries(
        Object.entries(cluster.tokens).map(([id, t]) => [
          `cluster token of ${id}`,
          t,
        ]),
      ),
      ...Object.fromEntries(
        runnerTokens.map((t, i) => [`runner token ${i}`, t]),
      ),
    },
  });

  function concrete(route: Route): string {
    return route.path
      .replace(
        /^\/api\/runners\/(pools|scaling\/pools)\/:id/,
        (_m, p) => `/api/runners/${p}/${poolId}`,
      )
      .replace(':kind/:namespace/:name', 'user/default/priya.payments')
      .replace(':key(*)', 'k')
      .replace(/:\w+(\([^)]*\))?/g, 'x');
  }

  it('has a real runner token to look for', () => {
    expect(runnerTokens).toHaveLength(1);
    expect(runnerTokens[0]).toMatch(/^glrt-/);
  });

  it('answers every route as expected for every identity', async () => {
    const routes = listRoutes(server).flatMap(route => {
      if (route.path === '/api/kubernetes/proxy/*')
        return KUBERNETES_PROXY_PROBES;
      if (route.path === '/api/auth/:provider/*') {
        return [{ method: 'GET' as const, path: '/api/auth/unknown/start' }];
      }
      if (route.path === '/api/*') {
        return [{ method: 'GET' as const, path: '/api/no-such-plugin' }];
      }
      const path = concrete(route).replace(/\/\*$/, '') || '/';
      return [{ method: route.method, path, body: {} as object | undefined }];
    });
    // Deletes last: the pool a DELETE removes must still be there for every other route.
    routes.sort(
      (a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'),
    );
    for (const route of routes) {
      for (const who of IDENTITIES) {
        const res = await send(who, route.method, route.path, route.body);
        cells.push({
          who,
          method: route.method,
          path: route.path,
          status: res.status,
        });
      }
    }
    // eslint-disable-next-line no-console
    console.log(
      `security matrix: ${routes.length} routes × ${IDENTITIES.length} identities = ${cells.length} requests`,
    );

    const violations = cells.flatMap(cell => {
      const { who, method, path, status } = cell;
      const where = `${who} ${method} ${path} → ${status}`;
      const open = PUBLIC.some(re => re.test(path));
      const found: string[] = [];
      if (
        status >= 500 &&
        status !== 501 &&
        !KNOWN_UPSTREAM_500.some(k => k(cell))
      ) {
        found.push(`${where}: server error`);
      }
      if (who === 'anonymous' && !open && status !== 401) {
        found.push(`${where}: expected 401 without a token`);
      }
      if (
        who === 'keda' &&
        !open &&
        !isScaling(cell) &&
        status !== 403 &&
        status !== 401
      ) {
        found.push(`${where}: KEDA's token must be refused`);
      }
      if (path.startsWith('/api/kubernetes/proxy/')) {
        if (status < 300) found.push(`${where}: the Kubernetes proxy answered`);
        if (
          ['other', 'own', 'platform', 'keda'].includes(who) &&
          status !== 403
        ) {
          found.push(
            `${where}: expected 403 (kubernetes.proxy is allowed to no one)`,
          );
        }
      }
      return found;
    });
    expect(violations).toEqual([]);

    const table = EXPECTED.flatMap(([method, template, expected]) => {
      const path = template.replace(':pool', poolId);
      return Object.entries(expected).map(([who, status]) => ({
        cell: `${who} ${method} ${template}`,
        status: cells.find(
          c => c.who === who && c.method === method && c.path === path,
        )?.status,
        expected: status,
      }));
    });
    expect(table.filter(t => t.status !== t.expected)).toEqual([]);
  });

  it('let no write through the Kubernetes proxy reach the cluster', async () => {
    const core = kubeConfigFor(cluster, 'admin').makeApiClient(CoreV1Api);
    await expect(
      core.readNamespacedSecret({
        namespace: 'runners-search',
        name: PROBE,
      }),
    ).rejects.toMatchObject({ code: 404 });
    const canary = await core.readNamespacedSecret({
      namespace: 'runners-payments',
      name: CANARY,
    });
    expect(canary.metadata?.name).toBe(CANARY);
  });

  it('finds no runner or cluster token in any response, log line or database file', () => {
    const control = scanTexts(
      [{ where: 'control', text: `x${runnerTokens[0]}x` }],
      needles(),
    );
    expect(control.hits.length).toBeGreaterThan(0); // the scanner does see a token

    const scans = {
      'HTTP responses': scanTexts(responses, needles()),
      'log lines': scanTexts(
        logs.lines.map((text, i) => ({ where: `log line ${i}`, text })),
        needles(),
      ),
      'database files': scanFiles(join(dataDir, 'sqlite'), needles()),
    };
    for (const [what, scan] of Object.entries(scans)) {
      // eslint-disable-next-line no-console
      console.log(
        `token scan: ${scan.items} ${what} (${
          scan.bytes
        } bytes) for glrt- and ${
          Object.keys(needles().values).length
        } token values: ${scan.hits.length} hits`,
      );
    }
    expect(Object.values(scans).flatMap(scan => scan.hits)).toEqual([]);
    expect(scans['database files'].items).toBeGreaterThan(0);
    expect(scans['log lines'].items).toBeGreaterThan(0);
  });
});
