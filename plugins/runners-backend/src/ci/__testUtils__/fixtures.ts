import { LoggerService } from '@backstage/backend-plugin-api';
import { GitLabEmulator, seedTokens } from '@runner-fleet/gitlab-emulator';
import { CiRunnerSpec } from '@runner-fleet/plugin-runners-node';
import { randomUUID } from 'node:crypto';
import { GitLabSettings } from '../../config';
import { GitLabCiProvider } from '../GitLabCiProvider';

type JsonObject = Parameters<LoggerService['child']>[0];

/** A logger that keeps every line, with its metadata, as text. */
export function capturingLogger(): { logger: LoggerService; lines: string[] } {
  const lines: string[] = [];
  const make = (context: JsonObject): LoggerService => {
    const log =
      (level: string) => (message: string, meta?: Error | JsonObject) => {
        const extra =
          meta instanceof Error
            ? `${meta.name}: ${meta.message} ${JSON.stringify(
                meta.cause ?? null,
              )}`
            : JSON.stringify(meta ?? {});
        lines.push(`${level} ${message} ${extra} ${JSON.stringify(context)}`);
      };
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: meta => make({ ...context, ...meta }),
    };
  };
  return { logger: make({}), lines };
}

/** A clock that only moves when the code under test sleeps; the waits are recorded. */
export function fakeTime() {
  let now = Date.now();
  const waits: number[] = [];
  return {
    waits,
    clock: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

/** A pool's runner spec; a group pool of `engineering/payments` unless overridden. */
export function poolSpec(overrides: Partial<CiRunnerSpec> = {}): CiRunnerSpec {
  return {
    poolId: randomUUID(),
    team: 'payments',
    poolName: 'linux-large',
    scope: { type: 'group', path: 'engineering/payments' },
    tags: ['linux', 'm1.large'],
    runUntagged: false,
    ...overrides,
  };
}

/** A provider against the test GitLab, with the fleet bot's token and fake time by default. */
export function makeProvider(
  emulator: GitLabEmulator,
  options: {
    settings?: Partial<GitLabSettings>;
    logger?: LoggerService;
    time?: ReturnType<typeof fakeTime>;
  } = {},
) {
  const time = options.time ?? fakeTime();
  const { logger, lines } = capturingLogger();
  const provider = GitLabCiProvider.create({
    settings: {
      baseUrl: emulator.url,
      token: seedTokens.fleetBot,
      requestsPerMinute: 6000,
      maxRetryWaitSeconds: 30,
      ...options.settings,
    },
    logger: options.logger ?? logger,
    clock: time.clock,
    sleep: time.sleep,
  });
  return { provider, time, lines };
}

/** What a VM's gitlab-runner sends: `POST /api/v4/<path>` with a JSON body. */
export async function runnerCall(
  emulator: GitLabEmulator,
  method: string,
  path: string,
  body: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.apiUrl}/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json');
  return {
    status: response.status,
    body: json && text ? JSON.parse(text) : {},
  };
}

/** A VM registering: `POST /runners/verify` with the runner token and its system id. */
export function verify(
  emulator: GitLabEmulator,
  token: string,
  systemId: string,
) {
  return runnerCall(emulator, 'POST', 'runners/verify', {
    token,
    system_id: systemId,
  });
}

/** The error a call fails with; fails the test if the call succeeds. */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
