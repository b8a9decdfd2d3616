import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import type { AuthenticatedApiRateLimit, ThrottleStats } from './http/throttle';
import { EmulatorControlClient } from './control/EmulatorControlClient';
import { CONTROL_PREFIX, controlRoutes } from './control/routes';
import { emulatorSnapshot } from './control/snapshots';
import { EmulatorSnapshot } from './control/types';
import { EmulatorCore } from './EmulatorCore';
import { Router } from './http/router';
import { createRequestListener } from './http/server';
import { EmulatorClock } from './model/EmulatorClock';
import {
  defaultSeed,
  EmulatorSeed,
  SeedTokens,
  seedTokens,
} from './model/seed';
import { StateFile } from './model/StateFile';
import { groupsRoutes } from './routes/groups';
import { jobListRoutes } from './routes/jobLists';
import { jobsApiRoutes } from './routes/jobsApi';
import { projectsRoutes } from './routes/projects';
import { runnerApiRoutes } from './routes/runnerApi';
import { runnersRoutes } from './routes/runners';
import { scopedRunnersRoutes } from './routes/scopedRunners';
import { userRunnersRoutes } from './routes/userRunners';

/** Options of {@link startGitLabEmulator}. @public */
export interface GitLabEmulatorOptions {
  /** Port to listen on; default 0 (a free port). The CLI defaults to 8929. */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /**
   * JSON file holding the emulated GitLab's state. Loaded at start when it
   * exists (the seed is then not applied), written after changes and on
   * `stop()`.
   */
  stateFile?: string;
  /**
   * The URL clients use, when it differs from the listening address (e.g.
   * behind a proxy or from a VM). Used in `link` headers, `web_url`s and the
   * repository URL handed to runners. Default `http://<host>:<port>`.
   */
  externalUrl?: string;
  /** What an empty emulator contains; default {@link defaultSeed}. */
  seed?: EmulatorSeed;
  /** The time source; default `() => new Date()`. */
  clock?: () => Date;
  /**
   * GitLab's authenticated API rate limit, enforced per token with GitLab's 429 and headers.
   * Off by default (as on self-managed GitLab); GitLab.com's is `{ requestsPerPeriod: 2000 }`.
   */
  rateLimit?: AuthenticatedApiRateLimit;
  /** Finished jobs kept before the oldest are dropped; default 10000. */
  maxFinishedJobs?: number;
  /**
   * Receives one line per request (method, path, status, time) and errors.
   * Query strings and bodies are never logged, and token-like strings are
   * redacted.
   */
  logger?: (line: string) => void;
}

/** A running emulator. @public */
export interface GitLabEmulator {
  /** Base URL without `/api/v4`, e.g. `http://127.0.0.1:8929`. */
  readonly url: string;
  /** `url` + `/api/v4`. */
  readonly apiUrl: string;
  /** The well-known tokens of the default seed. */
  readonly tokens: SeedTokens;
  /** A control-surface client using the admin token. */
  readonly control: EmulatorControlClient;
  /** The emulated clock, to move time in-process without HTTP. */
  readonly clock: EmulatorClock;
  /** The authenticated API rate limit: change it in-process, read what it counted. */
  readonly rateLimit: {
    set(limit: AuthenticatedApiRateLimit | undefined): void;
    stats(): ThrottleStats;
  };
  /** The same snapshot as `GET /-/emulator/state`, read in-process. */
  inspect(): EmulatorSnapshot;
  /** Writes the state file now (no-op without one). */
  flush(): Promise<void>;
  /** Stops listening, closes connections and writes the state file. */
  stop(): Promise<void>;
}

/**
 * Starts the GitLab emulator: GitLab's runner and jobs REST API as GitLab
 * documents it, plus an admin-only control surface under `/-/emulator`.
 *
 * @public
 */
export async function startGitLabEmulator(
  options: GitLabEmulatorOptions = {},
): Promise<GitLabEmulator> {
  const clock = new EmulatorClock(options.clock);
  const core = new EmulatorCore({
    seed: options.seed ?? defaultSeed,
    clock,
    maxFinishedJobs: options.maxFinishedJobs ?? 10000,
    initialData: options.stateFile
      ? StateFile.load(options.stateFile)
      : undefined,
  });
  core.throttle.set(options.rateLimit);
  const log = options.logger;
  const stateFile = options.stateFile
    ? new StateFile({
        path: options.stateFile,
        snapshot: () => core.store.toData(),
        onError: error =>
          log?.(`could not write the state file: ${error.message}`),
      })
    : undefined;

  const api = new Router().add([
    ...userRunnersRoutes(),
    ...runnerApiRoutes(),
    ...jobsApiRoutes(),
    ...jobListRoutes(),
    ...runnersRoutes(),
    ...scopedRunnersRoutes(),
    ...groupsRoutes(),
    ...projectsRoutes(),
  ]);
  const server = createServer(
    createRequestListener({
      core,
      api,
      control: new Router().add(controlRoutes()),
      controlPrefix: CONTROL_PREFIX,
      onMutation: () => stateFile?.schedule(),
      log,
    }),
  );
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const listening = `http://${
    urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost
  }:${port}`;
  core.baseUrl = (options.externalUrl ?? listening).replace(/\/+$/, '');
  await stateFile?.flush();

  return {
    url: core.baseUrl,
    apiUrl: `${core.baseUrl}/api/v4`,
    tokens: seedTokens,
    control: new EmulatorControlClient({
      url: listening,
      token: seedTokens.admin,
    }),
    clock,
    rateLimit: {
      set: limit => core.throttle.set(limit),
      stats: () => core.throttle.stats,
    },
    inspect: () => emulatorSnapshot(core),
    flush: async () => {
      await stateFile?.flush();
    },
    stop: async () => {
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await stateFile?.flush();
    },
  };
}
