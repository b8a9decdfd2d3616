import { ControlPlane, startControlPlane } from '@runner-fleet/testenv';
import { seedTokens } from '@runner-fleet/gitlab-emulator';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (this file is plugins/runners-backend/bench/lib/stack.ts). */
export const ROOT = resolve(__dirname, '../../../..');
const TRANSFORM = require.resolve(
  '@backstage/cli-node/config/nodeTransform.cjs',
);
/** The static token KEDA presents to the scaling endpoint (bench-only value). */
export const SCALING_TOKEN = 'bench-keda-scaling-token-0000000000';

/** A free TCP port on 127.0.0.1 (the bench never binds the fixed dev ports). */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/** A real kube-apiserver + etcd with the upstream CRDs and the backend's RBAC. */
export async function startPlane(): Promise<ControlPlane> {
  return startControlPlane({ timeoutMs: 120_000 });
}

/** GitLab requests the emulator logged, by "METHOD /path-pattern" (ids replaced by :id). */
export class GitLabCalls {
  readonly byRoute = new Map<string, number>();
  total = 0;
  writes = 0;

  record(line: string) {
    const m = /^\S+ (GET|POST|PUT|PATCH|DELETE) (\S+) (\d{3})/.exec(line);
    if (!m) return;
    const route = `${m[1]} ${m[2].replace(/\/\d+/g, '/:id')}`;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
    this.total++;
    if (m[1] !== 'GET') this.writes++;
  }

  /** Counts since `before` (a copy taken with {@link GitLabCalls.snapshot}). */
  since(before: { total: number; writes: number }) {
    return {
      total: this.total - before.total,
      writes: this.writes - before.writes,
    };
  }

  snapshot() {
    return { total: this.total, writes: this.writes };
  }
}

/** A process the bench started; stopped by its own pid only. */
export interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
}

function child(proc: ChildProcess): Child {
  return {
    process: proc,
    stop: () =>
      new Promise(done => {
        if (proc.exitCode !== null || proc.signalCode !== null) {
          done();
          return;
        }
        const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        proc.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        proc.kill('SIGTERM');
      }),
  };
}

/** The GitLab emulator in its own process, counting the requests it serves. */
export async function startEmulator(): Promise<
  Child & { url: string; calls: GitLabCalls }
> {
  const port = await freePort();
  const proc = spawn(
    process.execPath,
    [
      join(ROOT, 'packages/gitlab-emulator/bin/gitlab-emulator'),
      '--port',
      `${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const calls = new GitLabCalls();
  let buffered = '';
  let resolveReady: () => void;
  const ready = new Promise<void>(r => (resolveReady = r));
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('GitLab emulator listening')) resolveReady();
      calls.record(line);
    }
  });
  proc
    .stderr!.setEncoding('utf8')
    .on('data', (d: string) => process.stderr.write(`[gitlab-emulator] ${d}`));
  await Promise.race([
    ready,
    new Promise((_, fail) =>
      proc.once('exit', code =>
        fail(new Error(`the GitLab emulator exited with ${code} at start`)),
      ),
    ),
  ]);
  return { ...child(proc), url: `http://127.0.0.1:${port}`, calls };
}

/** How to run the backend: transpiled sources, or the production build in dist/. */
export type BackendMode = 'development' | 'production';

export interface Backend extends Child {
  url: string;
  mode: BackendMode;
  dataDir: string;
  port: number;
}

/**
 * The example backend (packages/backend: auth, catalog, permissions with the org's policy, the
 * runners plugin) in its own process on a free port, on an in-memory SQLite, pointed at the
 * bench's control plane and GitLab emulator. `development` runs the sources through the SWC
 * transform without the dev server's watcher (the devusers sign-in needs NODE_ENV=development);
 * `production` runs `packages/backend/dist` with NODE_ENV=production.
 */
export async function startBackend(options: {
  plane: ControlPlane;
  gitlabUrl: string;
  mode: BackendMode;
  /** More config (YAML text), in a file of its own after the bench config. */
  extraConfig?: string;
  /** Where the SQLite files and kubeconfig live; reuse it to restart on the same database. */
  dataDir?: string;
  /** With mode `production`: the built backend package (see prepareProductionBackend). */
  productionDir?: string;
  /** One more app-config file, after the bench's own. */
  configFile?: string;
  /** Write a V8 CPU profile of the backend into this directory when it exits. */
  cpuProfDir?: string;
  /** Extra environment of the backend process. */
  env?: Record<string, string>;
  /** Listen here (a restart keeps the URL the rendered ScaledObjects point at). */
  port?: number;
  log?: (line: string) => void;
}): Promise<Backend> {
  const dir =
    options.dataDir ?? mkdtempSync(join(tmpdir(), 'runner-fleet-bench-'));
  mkdirSync(join(dir, 'sqlite'), { recursive: true });
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  options.plane.writeKubeconfig(
    join(dir, 'backend.kubeconfig'),
    'runner-fleet-backend',
  );
  const config = `
app:
  baseUrl: ${url}
backend:
  baseUrl: ${url}
  listen:
    port: ${port}
    host: 127.0.0.1
  cors:
    origin: ${url}
  database:
    client: better-sqlite3
    connection:
      directory: ${join(dir, 'sqlite')}
  auth:
    externalAccess:
      - type: static
        options:
          token: ${SCALING_TOKEN}
          subject: keda-scaler
        accessRestrictions:
          - plugin: runners
auth:
  environment: development
  providers:
    guest:
      userEntityRef: user:default/guest
    devusers: {}
kubernetes:
  serviceLocatorMethod:
    type: multiTenant
  clusterLocatorMethods:
    - type: config
      clusters:
        - name: local
          url: ${options.plane.server}
          authProvider: serviceAccount
          serviceAccountToken: ${options.plane.tokens.admin}
          caData: ${options.plane.caData}
runners:
  gitlabBaseUrl: ${options.gitlabUrl}
  clusters:
    - name: local
      role: primary
      authProvider: kubeconfig
      kubeconfigPath: ${join(dir, 'backend.kubeconfig')}
  gitlab:
    baseUrl: ${options.gitlabUrl}
    token: ${seedTokens.fleetBot}
  scalingMetrics:
    token: ${SCALING_TOKEN}
    baseUrl: ${url}
  quotas:
    default:
      maxCpu: 100000
      maxMemoryGiB: 200000
      maxPools: 2000
    teams:
      platform: { maxCpu: 100000, maxMemoryGiB: 200000, maxPools: 2000 }
      payments: { maxCpu: 100000, maxMemoryGiB: 200000, maxPools: 2000 }
      search: { maxCpu: 100000, maxMemoryGiB: 200000, maxPools: 2000 }
      mobile: { maxCpu: 100000, maxMemoryGiB: 200000, maxPools: 2000 }
`;
  const configFile = join(dir, 'app-config.bench.yaml');
  writeFileSync(configFile, config, { mode: 0o600 });
  const extraFile = join(dir, 'app-config.extra.yaml');
  if (options.extraConfig) writeFileSync(extraFile, options.extraConfig);
  if (options.mode === 'production' && !options.productionDir) {
    throw new Error('startBackend: mode production needs productionDir');
  }
  const backendDir =
    options.mode === 'production'
      ? options.productionDir!
      : join(ROOT, 'packages/backend');
  const args =
    options.mode === 'development'
      ? ['-r', TRANSFORM, 'src/index.ts']
      : ['dist/index.cjs.js'];
  const proc = spawn(
    process.execPath,
    [
      ...(options.cpuProfDir
        ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`]
        : []),
      ...args,
      '--config',
      join(ROOT, 'app-config.yaml'),
      '--config',
      configFile,
      ...(options.extraConfig ? ['--config', extraFile] : []),
      ...(options.configFile ? ['--config', options.configFile] : []),
    ],
    {
      cwd: backendDir,
      env: {
        ...process.env,
        NODE_ENV: options.mode,
        RUNNER_FLEET_DATA_DIR: dir,
        // Prometheus exporter of the example backend: a free port, never the default one.
        PROMETHEUS_PORT: `${await freePort()}`,
        LOG_LEVEL: 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const tail: string[] = [];
  const keep = (d: string) => {
    for (const line of d.split('\n')) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      options.log?.(line);
    }
  };
  proc.stdout!.setEncoding('utf8').on('data', keep);
  proc.stderr!.setEncoding('utf8').on('data', keep);
  const backend: Backend = {
    ...child(proc),
    url,
    mode: options.mode,
    dataDir: dir,
    port,
  };
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      throw new Error(
        `the backend exited with ${proc.exitCode} at start:\n${tail.join(
          '\n',
        )}`,
      );
    }
    try {
      const res = await fetch(`${url}/.backstage/health/v1/readiness`);
      if (res.ok) return backend;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 500));
  }
  await backend.stop();
  throw new Error(
    `the backend did not become ready within 180 s:\n${tail.join('\n')}`,
  );
}

/**
 * A real Backstage user token from the backend's auth plugin (the development-only devusers
 * sign-in). Retries while the catalog has not yet ingested the example users.
 */
export async function userToken(backendUrl: string, user: string) {
  const deadline = Date.now() + 120_000;
  let last = '';
  while (Date.now() < deadline) {
    const res = await fetch(
      `${backendUrl}/api/auth/devusers/refresh?user=${encodeURIComponent(
        user,
      )}`,
      { method: 'POST', headers: { 'X-Requested-With': 'XMLHttpRequest' } },
    );
    if (res.ok) {
      const body = (await res.json()) as {
        backstageIdentity?: { token?: string };
      };
      if (body.backstageIdentity?.token) return body.backstageIdentity.token;
    }
    last = `${res.status} ${(await res.text().catch(() => '')).slice(0, 200)}`;
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`no token for ${user} within 120 s; last answer: ${last}`);
}
