import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { join } from 'node:path';

/** The repository root: this package lives in plugins/runners-backend. */
export const REPO_ROOT = join(
  resolvePackagePath('@runner-fleet/plugin-runners-backend'),
  '../..',
);

/**
 * The test backend entry each replica process runs: the real backend-defaults backend with the
 * runners plugin and the example permission policy (packages/backend owns that policy).
 */
const ENTRY = join(
  REPO_ROOT,
  'packages/backend/src/__testUtils__/replicaBackend.ts',
);

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => res(port));
    });
  });
}

/** What a replica process needs besides its port. */
export interface ReplicaTemplate {
  /** App config for a replica on `port` (backend.listen, baseUrl, database, runners). */
  config(port: number): Record<string, unknown>;
  memberships: Record<string, string[]>;
  teams: string[];
  /** Directory for each replica's log file. */
  logDir: string;
}

/**
 * One backend replica as its own OS process: started, killed with SIGKILL, started again on the
 * same port. Its output goes to `<logDir>/replica-<n>.log` for post-mortems.
 */
export class Replica {
  readonly index: number;
  readonly port: number;
  readonly #template: ReplicaTemplate;
  #child?: ChildProcess;
  #log?: WriteStream;
  #exited?: Promise<void>;
  starts = 0;

  constructor(index: number, port: number, template: ReplicaTemplate) {
    this.index = index;
    this.port = port;
    this.#template = template;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The OS process id of the running replica (its reconcile lease owner contains it). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    this.starts += 1;
    this.#log ??= createWriteStream(
      join(this.#template.logDir, `replica-${this.index}.log`),
      { flags: 'a' },
    );
    this.#log.write(`\n=== start ${this.starts} ===\n`);
    const child = spawn(
      process.execPath,
      [
        '-r',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
        ENTRY,
      ],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          // The Jest environment would make backend-defaults pick test-only behaviour.
          NODE_ENV: 'development',
          JEST_WORKER_ID: '',
          LOG_LEVEL: process.env.STORM_LOG_LEVEL ?? 'warn',
          RUNNER_FLEET_REPLICA: JSON.stringify({
            config: this.#template.config(this.port),
            memberships: this.#template.memberships,
            teams: this.#template.teams,
          }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.pipe(this.#log, { end: false });
    child.stderr?.pipe(this.#log, { end: false });
    this.#exited = new Promise(res => child.once('exit', () => res()));
    this.#child = child;
  }

  /** Waits until the API answers (the plugin has migrated and mounted its router). */
  async ready(authorization: string, timeoutMs = 150_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#child?.exitCode !== null) {
        throw new Error(
          `replica ${this.index} exited with code ${
            this.#child?.exitCode
          }; see its log in ${this.#template.logDir}`,
        );
      }
      try {
        const res = await fetch(`${this.url}/api/runners/flavors`, {
          headers: { authorization },
        });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise(r => setTimeout(r, 250));
    }
    throw new Error(
      `replica ${
        this.index
      } did not answer within ${timeoutMs} ms; see its log in ${
        this.#template.logDir
      }`,
    );
  }

  /** SIGKILL: no shutdown hook runs, leases stay held until they expire. */
  async kill(): Promise<void> {
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** Graceful stop at the end of the test. */
  async stop(): Promise<void> {
    if (this.#child && this.#child.exitCode === null) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child?.kill('SIGKILL'), 10_000);
      await this.#exited;
      clearTimeout(timer);
    }
    this.#log?.end();
  }
}
