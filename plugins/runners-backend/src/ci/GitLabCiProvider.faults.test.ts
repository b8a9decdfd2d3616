import {
  GitLabEmulator,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import {
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { GitLabApiError } from './gitlabErrors';
import { failureOf, makeProvider, poolSpec } from './__testUtils__/fixtures';

describe('GitLabCiProvider when GitLab rate limits, fails or refuses', () => {
  let emulator: GitLabEmulator;
  beforeAll(async () => {
    emulator = await startGitLabEmulator();
  });
  afterAll(() => emulator.stop());
  beforeEach(() => emulator.control.reset());

  const created = async () => {
    const setup = makeProvider(emulator);
    const spec = poolSpec();
    return { ...setup, spec, ...(await setup.provider.createRunner(spec)) };
  };

  it('waits out Retry-After on 429 and succeeds', async () => {
    const { provider, time, spec, id } = await created();
    const injected = await emulator.control.addFault({
      kind: 'rate_limit',
      path: '/api/v4/runners/*',
      method: 'PUT',
      retryAfterSeconds: 1,
      count: 2,
    });
    await provider.updateRunner(id, { ...spec, tags: ['linux'] });

    expect(time.waits).toEqual([1000, 1000]);
    expect((await provider.getRunner(id))?.tags).toEqual(['linux']);
    const [after] = await emulator.control.faults();
    expect(after).toMatchObject({ id: injected.id, hits: 2 });
  });

  it('gives up on a lasting 429 within maxRetryWaitSeconds, in real time', async () => {
    const { provider } = makeProvider(emulator, {
      settings: { maxRetryWaitSeconds: 2 },
      time: {
        waits: [],
        clock: Date.now,
        sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
      },
    });
    await emulator.control.addFault({
      kind: 'rate_limit',
      path: '/api/v4/runners/*',
      retryAfterSeconds: 1,
    });
    const started = Date.now();
    const error = await failureOf(provider.getRunner(1));

    expect(Date.now() - started).toBeLessThan(2000 + 500);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      'GitLab is rate limiting Runner Fleet (429) on GET /runners/1; retry after 1 s',
    );
    expect(error.cause).toBeInstanceOf(GitLabApiError);
    expect(error.cause).toMatchObject({ status: 429, retryAfterSeconds: 1 });
  });

  it('does not wait when Retry-After is beyond the budget', async () => {
    const { provider, time } = makeProvider(emulator);
    await emulator.control.addFault({
      kind: 'rate_limit',
      path: '/api/v4/runners/**',
      retryAfterSeconds: 60,
    });
    await expect(provider.listManagers(1)).rejects.toThrow(
      /rate limiting Runner Fleet \(429\) on GET \/runners\/1\/managers; retry after 60 s/,
    );
    expect(time.waits).toEqual([]);
  });

  it('backs off 1, 2, 4, 8 s on 429 without Retry-After, never past the budget', async () => {
    const { provider, time } = makeProvider(emulator);
    await emulator.control.addFault({
      kind: 'app_rate_limit',
      path: '/api/v4/runners/*/jobs',
    });
    await expect(provider.listJobs(1)).rejects.toThrow(
      'GitLab is rate limiting Runner Fleet (429) on GET /runners/1/jobs; retry later',
    );
    expect(time.waits).toEqual([1000, 2000, 4000, 8000]);
  });

  it('retries a 500 and gives up on lasting 5xx after two retries', async () => {
    const { provider, time, id } = await created();
    await emulator.control.addFault({
      kind: 'error',
      status: 500,
      path: '/api/v4/runners/*',
      method: 'GET',
      count: 1,
    });
    expect(await provider.getRunner(id)).toMatchObject({ id });
    expect(time.waits).toEqual([500]);

    const broken = await emulator.control.addFault({
      kind: 'error',
      status: 502,
      path: '/api/v4/runners/*/managers',
    });
    const error = await failureOf(provider.listManagers(id));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `GitLab failed to answer GET /runners/${id}/managers: 502 Bad Gateway`,
    );
    expect(time.waits).toEqual([500, 500, 1000]);
    const faults = await emulator.control.faults();
    expect(faults.find(f => f.id === broken.id)?.hits).toBe(3);
  });

  it('does not retry runner creation on 5xx, which could register a twin', async () => {
    const { provider, time } = makeProvider(emulator);
    await emulator.control.addFault({
      kind: 'error',
      status: 503,
      path: '/api/v4/user/runners',
      count: 1,
    });
    await expect(provider.createRunner(poolSpec())).rejects.toThrow(
      ServiceUnavailableError,
    );
    expect(time.waits).toEqual([]);
    expect(await emulator.control.runners()).toEqual([]);
  });

  it('retries twice when GitLab cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise(resolve => closed.close(resolve));
    const { provider, time } = makeProvider(emulator, {
      settings: { baseUrl: `http://127.0.0.1:${port}` },
    });
    await expect(provider.getRunner(1)).rejects.toThrow(
      /^GitLab could not be reached for GET \/runners\/1: ECONNREFUSED$/,
    );
    expect(time.waits).toEqual([500, 1000]);
  });

  it('explains a token without the needed scope', async () => {
    const { provider } = makeProvider(emulator, {
      settings: { token: emulator.tokens.adminReadApi },
    });
    const error = await failureOf(provider.createRunner(poolSpec()));
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toMatch(
      /^the GitLab token lacks permission for POST \/user\/runners \(insufficient_scope: The request requires higher privileges/,
    );
    expect(error.message).toContain(
      'create_runner, manage_runner and read_api',
    );
  });

  it('explains a token without access to the runner', async () => {
    const { id, spec } = await created();
    const { provider } = makeProvider(emulator, {
      settings: { token: emulator.tokens.users['lena.search'] },
    });
    await expect(provider.updateRunner(id, spec)).rejects.toThrow(
      `the GitLab token lacks permission for PUT /runners/${id} (403 Forbidden - No access granted)`,
    );
  });

  it('says so when the configured token is expired', async () => {
    const { provider } = makeProvider(emulator, {
      settings: { token: emulator.tokens.expired },
    });
    const error = await failureOf(provider.listFleetRunners());
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      /configured token \(runners\.gitlab\.token\) as invalid, expired or revoked on GET \/runners\/all \(401 invalid_token: Token is expired/,
    );
  });

  it('names an unknown group or project path', async () => {
    const { provider } = makeProvider(emulator);
    const group = poolSpec({
      scope: { type: 'group', path: 'engineering/nope' },
    });
    const error = await failureOf(provider.createRunner(group));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      "GitLab group 'engineering/nope' does not exist or Runner Fleet's GitLab token cannot see it; check the pool's GitLab group path",
    );
    const project = poolSpec({
      scope: { type: 'project', path: 'engineering/x/y' },
    });
    await expect(provider.createRunner(project)).rejects.toThrow(
      "GitLab project 'engineering/x/y' does not exist",
    );
  });

  it("passes GitLab's validation message on as an InputError", async () => {
    const { provider } = makeProvider(emulator);
    const error = await failureOf(
      provider.createRunner(poolSpec({ tags: [], runUntagged: false })),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'GitLab rejected POST /user/runners: 400 Bad request - Tags list can not be empty when runner is not allowed to pick untagged jobs',
    );
  });
});
