import { call, createRunner, useEmulator } from './__testUtils__/api';
import {
  expectDocumentedError,
  expectListedError,
} from './__testUtils__/shapes';
import { seedTokens } from './model/seed';

const { admin, adminReadApi, expired, revoked, fleetBot, users } = seedTokens;
const priya = users['priya.payments'];
const guest = users.guest;
const mei = users['mei.mobile'];

describe('errors are shaped as GitLab shapes them', () => {
  const ctx = useEmulator();
  let groupRunner: { id: number; token: string };

  beforeAll(async () => {
    groupRunner = await createRunner(
      ctx.emulator,
      { runner_type: 'group_type', group_id: 3 },
      fleetBot,
    );
  });

  it('401 without a token or with an unknown one', async () => {
    for (const token of [undefined, 'glpat-nope']) {
      const res = await call(ctx.emulator, 'GET', '/api/v4/runners', { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
      expectDocumentedError('list_owned_runners', res);
    }
  });

  it('401 invalid_token for expired and revoked tokens', async () => {
    const old = await call(ctx.emulator, 'GET', '/api/v4/runners', {
      token: expired,
    });
    expect(old.status).toBe(401);
    expect(old.body).toEqual({
      error: 'invalid_token',
      error_description:
        'Token is expired. You can either do re-authorization or token refresh.',
    });
    const gone = await call(ctx.emulator, 'GET', '/api/v4/runners', {
      headers: { authorization: `Bearer ${revoked}` },
    });
    expect(gone.body.error_description).toBe(
      'Token was revoked. You have to re-authorize from the user.',
    );
  });

  it('403 insufficient_scope when the token lacks a scope the endpoint accepts', async () => {
    const res = await call(ctx.emulator, 'POST', '/api/v4/user/runners', {
      token: adminReadApi,
      body: { runner_type: 'instance_type' },
    });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: 'insufficient_scope',
      error_description:
        'The request requires higher privileges than provided by the access token.',
      scope: 'create_runner api read_api',
    });
    const read = await call(ctx.emulator, 'GET', '/api/v4/runners/all', {
      token: adminReadApi,
    });
    expect(read.status).toBe(200);
    // manage_runner is accepted on /runners/:id routes only.
    const bot = await call(
      ctx.emulator,
      'PUT',
      `/api/v4/runners/${groupRunner.id}`,
      { token: fleetBot, body: { description: 'x' } },
    );
    expect(bot.status).toBe(200);
  });

  it('400 with Grape messages for missing and invalid parameters', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'runner_type is missing'],
      [{ runner_type: 'group_type' }, 'group_id is missing'],
      [
        { runner_type: 'project_type', project_id: 'abc' },
        'project_id is invalid',
      ],
      [{ runner_type: 'shared' }, 'runner_type does not have a valid value'],
      [
        { runner_type: 'instance_type', access_level: 'x', paused: 'maybe' },
        'paused is invalid, access_level does not have a valid value',
      ],
    ];
    for (const [body, error] of cases) {
      const res = await call(ctx.emulator, 'POST', '/api/v4/user/runners', {
        token: admin,
        body,
      });
      expect({ status: res.status, body: res.body }).toEqual({
        status: 400,
        body: { error },
      });
    }
    const missing = await call(ctx.emulator, 'POST', '/api/v4/user/runners', {
      token: admin,
      body: {},
    });
    expectDocumentedError('create_user_runner', missing);
  });

  it('400 bad request for unknown groups and model validation failures on create', async () => {
    const unknown = await call(ctx.emulator, 'POST', '/api/v4/user/runners', {
      token: admin,
      body: { runner_type: 'group_type', group_id: 999 },
    });
    expect(unknown.body).toEqual({
      message: '400 Bad request - Missing/invalid group',
    });
    const invalid = await call(ctx.emulator, 'POST', '/api/v4/user/runners', {
      token: admin,
      body: {
        runner_type: 'instance_type',
        run_untagged: false,
        maximum_timeout: 60,
      },
    });
    expect(invalid.body).toEqual({
      message:
        '400 Bad request - Tags list can not be empty when runner is not allowed to pick untagged jobs and Maximum timeout needs to be at least 10 minutes',
    });
    expectDocumentedError('create_user_runner', invalid);
  });

  it('403 when the user may not create that kind of runner', async () => {
    const instance = await call(ctx.emulator, 'POST', '/api/v4/user/runners', {
      token: priya,
      body: { runner_type: 'instance_type' },
    });
    expect(instance.body).toEqual({
      message: '403 Forbidden - Insufficient permissions',
    });
    expectDocumentedError('create_user_runner', instance);
    // guest is a Maintainer of payments: enough for a project runner, not a group runner.
    const group = await call(ctx.emulator, 'POST', '/api/v4/user/runners', {
      token: guest,
      body: { runner_type: 'group_type', group_id: 3 },
    });
    expect(group.status).toBe(403);
    const project = await call(ctx.emulator, 'POST', '/api/v4/user/runners', {
      token: guest,
      body: { runner_type: 'project_type', project_id: 1 },
    });
    expect(project.status).toBe(201);
  });

  it('403 on /runners/all for non-admins, 404 Not found for unknown runner ids', async () => {
    const all = await call(ctx.emulator, 'GET', '/api/v4/runners/all', {
      token: priya,
    });
    expect(all.body).toEqual({ message: '403 Forbidden' });
    expectDocumentedError('list_all_runners', all);
    for (const [method, path, id] of [
      ['GET', '/api/v4/runners/999', 'get_runner'],
      ['PUT', '/api/v4/runners/999', 'update_runner'],
      ['DELETE', '/api/v4/runners/999', 'delete_runner'],
      ['GET', '/api/v4/runners/999/managers', 'list_runner_managers'],
      ['GET', '/api/v4/runners/999/jobs', 'list_runner_jobs'],
      [
        'POST',
        '/api/v4/runners/999/reset_authentication_token',
        'reset_runner_token_by_id',
      ],
    ]) {
      const res = await call(ctx.emulator, method, path, {
        token: admin,
        body: method === 'PUT' ? { description: 'x' } : undefined,
      });
      expect({ path, status: res.status, body: res.body }).toEqual({
        path,
        status: 404,
        body: { message: '404 Not found' },
      });
      expectDocumentedError(id, res);
    }
  });

  it('403 No access granted on runners of other teams', async () => {
    const show = await call(
      ctx.emulator,
      'GET',
      `/api/v4/runners/${groupRunner.id}`,
      { token: mei },
    );
    expect(show.body).toEqual({ message: '403 Forbidden - No access granted' });
    expectDocumentedError('get_runner', show);
    const update = await call(
      ctx.emulator,
      'PUT',
      `/api/v4/runners/${groupRunner.id}`,
      { token: guest, body: { paused: true } },
    );
    expect(update.body).toEqual({
      message: '403 Forbidden - No access granted',
    });
    const remove = await call(
      ctx.emulator,
      'DELETE',
      `/api/v4/runners/${groupRunner.id}`,
      { token: guest },
    );
    expect(remove.status).toBe(403);
    expectDocumentedError('delete_runner', remove);
  });

  it('404 for invisible groups and projects, 403 for visible ones without the role', async () => {
    const hidden = await call(
      ctx.emulator,
      'GET',
      '/api/v4/groups/engineering%2Fpayments/runners',
      { token: mei },
    );
    expect(hidden.body).toEqual({ message: '404 Group Not Found' });
    expectDocumentedError('list_group_runners', hidden);
    const role = await call(ctx.emulator, 'GET', '/api/v4/groups/3/runners', {
      token: guest,
    });
    expect(role.body).toEqual({ message: '403 Forbidden' });
    const project = await call(
      ctx.emulator,
      'GET',
      '/api/v4/projects/999/jobs',
      { token: admin },
    );
    expect(project.body).toEqual({ message: '404 Project Not Found' });
    expectDocumentedError('list_project_jobs', project);
    const runners = await call(
      ctx.emulator,
      'GET',
      '/api/v4/projects/engineering%2Fsearch%2Fsearch-api/runners',
      { token: guest },
    );
    expect(runners.body).toEqual({ message: '404 Project Not Found' });
  });

  it('400 for filter values GitLab rejects', async () => {
    const scope = await call(
      ctx.emulator,
      'GET',
      '/api/v4/runners?scope=shared',
      { token: priya },
    );
    expect(scope.body).toEqual({ message: 'Scope contains invalid value' });
    expectDocumentedError('list_owned_runners', scope);
    const type = await call(
      ctx.emulator,
      'GET',
      '/api/v4/runners/all?type=shared_type',
      { token: admin },
    );
    expect(type.body).toEqual({ error: 'type does not have a valid value' });
    const jobs = await call(
      ctx.emulator,
      'GET',
      '/api/v4/projects/1/jobs?scope[]=pending&scope[]=bogus',
      { token: admin },
    );
    expect(jobs.body).toEqual({ error: 'scope does not have a valid value' });
    expectDocumentedError('list_project_jobs', jobs);
    const prefix = await call(
      ctx.emulator,
      'GET',
      '/api/v4/runners/all?version_prefix=abc',
      { token: admin },
    );
    expect(prefix.body).toEqual({ error: 'version_prefix is invalid' });
  });

  it('400 on PUT without attributes, with both active and paused, or invalid values', async () => {
    const path = `/api/v4/runners/${groupRunner.id}`;
    const none = await call(ctx.emulator, 'PUT', path, {
      token: admin,
      body: {},
    });
    expect(none.body).toEqual({
      error:
        'description, active, paused, tag_list, run_untagged, locked, access_level, maximum_timeout, maintenance_note are missing, at least one parameter must be provided',
    });
    expectDocumentedError('update_runner', none);
    const both = await call(ctx.emulator, 'PUT', path, {
      token: admin,
      body: { active: true, paused: true },
    });
    expect(both.body).toEqual({
      error: 'active, paused are mutually exclusive',
    });
    expectDocumentedError('update_runner', both);
    const invalid = await call(ctx.emulator, 'PUT', path, {
      token: admin,
      body: { maximum_timeout: 5 },
    });
    expect(invalid.body).toEqual({
      message: { maximum_timeout: ['needs to be at least 10 minutes'] },
    });
    expectDocumentedError('update_runner', invalid);
  });

  it('runner-token endpoints: 400 without token, 403 with a wrong one, 404 for unknown managers', async () => {
    const missing = await call(ctx.emulator, 'POST', '/api/v4/runners/verify', {
      body: {},
    });
    expect(missing.body).toEqual({ error: 'token is missing' });
    expectDocumentedError('verify_runner', missing);
    const wrong = await call(ctx.emulator, 'POST', '/api/v4/runners/verify', {
      body: { token: 'glrt-wrong' },
    });
    expect(wrong.body).toEqual({ message: '403 Forbidden' });
    expectDocumentedError('verify_runner', wrong);
    const manager = await call(
      ctx.emulator,
      'DELETE',
      `/api/v4/runners/managers?token=${groupRunner.token}&system_id=nope`,
    );
    expect(manager.body).toEqual({
      message: '404 Runner manager not found Not Found',
    });
    expectDocumentedError('delete_runner_manager', manager);
    const systemId = await call(
      ctx.emulator,
      'DELETE',
      `/api/v4/runners/managers?token=${groupRunner.token}`,
    );
    expect(systemId.body).toEqual({ error: 'system_id is missing' });
    const legacy = await call(ctx.emulator, 'POST', '/api/v4/runners', {
      body: { token: 'GR1348941old' },
    });
    expect(legacy.status).toBe(403);
    expectDocumentedError('create_runner_legacy', legacy);
  });

  it('404 {"error"} for routes GitLab does not have', async () => {
    const res = await call(ctx.emulator, 'GET', '/api/v4/pipelines/whatever', {
      token: admin,
    });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: '404 Not Found' });
    expectListedError(res);
  });
});
