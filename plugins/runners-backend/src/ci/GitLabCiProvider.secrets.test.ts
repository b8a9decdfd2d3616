import {
  GitLabEmulator,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { InputError, serializeError } from '@backstage/errors';
import {
  capturingLogger,
  failureOf,
  fakeTime,
  makeProvider,
  poolSpec,
  verify,
} from './__testUtils__/fixtures';

/** Everything an error could show: message, stack, own properties and causes. */
function exposed(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(String(current), current.stack ?? '', JSON.stringify(current));
    current = current.cause;
  }
  parts.push(JSON.stringify(serializeError(error as Error)));
  return parts.join('\n');
}

describe('GitLabCiProvider keeps tokens out of logs and errors', () => {
  let emulator: GitLabEmulator;
  beforeAll(async () => {
    emulator = await startGitLabEmulator();
  });
  afterAll(() => emulator.stop());
  beforeEach(() => emulator.control.reset());

  it('never logs or throws a runner token or the access token across a run with failures', async () => {
    const { logger, lines } = capturingLogger();
    const time = fakeTime();
    const { provider } = makeProvider(emulator, { logger, time });
    const expiredProvider = makeProvider(emulator, {
      logger,
      time,
      settings: { token: emulator.tokens.expired },
    }).provider;
    const control = emulator.control;
    const errors: unknown[] = [];
    const failing = (promise: Promise<unknown>) =>
      promise.then(
        () => errors.push(new Error('expected a failure')),
        (error: unknown) => errors.push(error),
      );

    const spec = poolSpec();
    await control.addFault({
      kind: 'error',
      status: 500,
      path: '/api/v4/runners/*/reset_authentication_token',
      count: 1,
    });
    const { id, token: first } = await provider.createRunner(spec);
    const second = await provider.resetToken(id);
    await verify(emulator, second, 's_vm1');

    await control.addFault({
      kind: 'rate_limit',
      path: '/api/v4/runners/*',
      method: 'PUT',
    });
    await failing(provider.updateRunner(id, spec));
    await control.clearFaults();
    await failing(
      provider.createRunner(poolSpec({ tags: [], runUntagged: false })),
    );
    await failing(provider.deleteManager(id, 's_vm1', { runnerToken: first }));
    await provider.deleteManager(id, 's_gone', { runnerToken: second });
    await failing(expiredProvider.listFleetRunners());
    await failing(expiredProvider.createRunner(spec));

    expect(errors).toHaveLength(5);
    expect(errors.every(e => e instanceof Error && e.name !== 'Error')).toBe(
      true,
    );
    expect(lines.some(line => line.includes('retrying'))).toBe(true);
    const everything = [...lines, ...errors.map(exposed)].join('\n');
    for (const secret of [
      first,
      second,
      emulator.tokens.fleetBot,
      emulator.tokens.expired,
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toContain('glrt-');
    expect(everything).not.toContain('glpat-');
  });

  it('redacts tokens that GitLab echoes back in an error message', async () => {
    const { provider } = makeProvider(emulator);
    const { id } = await provider.createRunner(poolSpec());
    await emulator.control.addFault({
      kind: 'error',
      status: 400,
      path: '/api/v4/runners/*',
      method: 'PUT',
      body: {
        message: `400 Bad request - glrt-t0ps3cr3tvalue is not ${emulator.tokens.fleetBot}`,
      },
    });
    const error = await failureOf(provider.updateRunner(id, poolSpec()));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `GitLab rejected PUT /runners/${id}: 400 Bad request - [REDACTED] is not [REDACTED]`,
    );
  });
});
