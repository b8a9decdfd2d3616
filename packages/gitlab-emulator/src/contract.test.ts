import { call, createRunner, useEmulator } from './__testUtils__/api';
import { expectConformsTo } from './__testUtils__/shapes';
import { seedTokens } from './model/seed';

const PAYMENTS_GROUP = 3;
const GATEWAY = 'engineering%2Fpayments%2Fpayment-gateway';
const owner = seedTokens.users['priya.payments'];

describe('contract: success responses match the GitLab reference', () => {
  const ctx = useEmulator();
  let groupRunner: { id: number; token: string };
  let projectRunner: { id: number; token: string };

  beforeAll(async () => {
    const { emulator } = ctx;
    groupRunner = await createRunner(emulator, {
      runner_type: 'group_type',
      group_id: PAYMENTS_GROUP,
      tag_list: ['linux', 'docker'],
      description: 'payments pool',
    });
    projectRunner = await createRunner(emulator, {
      runner_type: 'project_type',
      project_id: 1,
      tag_list: 'linux,docker',
      maximum_timeout: 3600,
    });
    await createRunner(emulator, { runner_type: 'instance_type' });
    await call(emulator, 'POST', '/api/v4/runners/verify', {
      body: { token: groupRunner.token, system_id: 's_vm0001' },
    });
    await emulator.control.enqueueJobs({
      project: 'engineering/payments/payment-gateway',
      count: 3,
      tags: ['linux'],
    });
    const picked = await call(emulator, 'POST', '/api/v4/jobs/request', {
      body: {
        token: groupRunner.token,
        system_id: 's_vm0001',
        info: { version: '17.6.0' },
      },
    });
    await call(emulator, 'PUT', `/api/v4/jobs/${picked.body.id}`, {
      body: {
        token: picked.body.token,
        state: 'failed',
        failure_reason: 'script_failure',
      },
    });
    await call(emulator, 'POST', '/api/v4/jobs/request', {
      body: { token: groupRunner.token, system_id: 's_vm0001' },
    });
  });

  it('POST /user/runners answers 201 with id, glrt- token and token_expires_at', async () => {
    const res = await call(ctx.emulator, 'POST', '/api/v4/user/runners', {
      token: seedTokens.admin,
      body: { runner_type: 'instance_type' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      token: expect.stringMatching(/^glrt-/),
      token_expires_at: null,
    });
    expectConformsTo('create_user_runner', res);
  });

  it('GET /runners lists the runners the user owns, with list fields only', async () => {
    const res = await call(ctx.emulator, 'GET', '/api/v4/runners', {
      token: owner,
    });
    expect(res.status).toBe(200);
    expect(res.body.map((r: { id: number }) => r.id)).toEqual([
      groupRunner.id,
      projectRunner.id,
    ]);
    expect(res.body[0]).toMatchObject({
      paused: false,
      is_shared: false,
      runner_type: 'group_type',
      status: 'online',
      online: true,
      job_execution_status: 'active',
    });
    expect(res.body[0]).not.toHaveProperty('token');
    expectConformsTo('list_owned_runners', res);
  });

  it('GET /runners/all lists every runner for an admin', async () => {
    const res = await call(ctx.emulator, 'GET', '/api/v4/runners/all', {
      token: seedTokens.admin,
    });
    expect(res.body.length).toBeGreaterThanOrEqual(3);
    expect(res.headers.get('x-total')).toBe(String(res.body.length));
    expectConformsTo('list_all_runners', res);
  });

  it('GET /groups/:id/runners and /projects/:id/runners accept ids and full paths', async () => {
    const group = await call(
      ctx.emulator,
      'GET',
      '/api/v4/groups/engineering%2Fpayments/runners',
      { token: owner },
    );
    expect(
      group.body.map((r: { runner_type: string }) => r.runner_type),
    ).toContain('group_type');
    expectConformsTo('list_group_runners', group);
    const project = await call(
      ctx.emulator,
      'GET',
      `/api/v4/projects/${GATEWAY}/runners?type=project_type`,
      { token: owner },
    );
    expect(project.body.map((r: { id: number }) => r.id)).toEqual([
      projectRunner.id,
    ]);
    expectConformsTo('list_project_runners', project);
  });

  it('GET /runners/:id has the details, newest manager version and projects', async () => {
    const res = await call(
      ctx.emulator,
      'GET',
      `/api/v4/runners/${projectRunner.id}`,
      { token: owner },
    );
    expect(res.body).toMatchObject({
      id: projectRunner.id,
      tag_list: ['linux', 'docker'],
      maximum_timeout: 3600,
      access_level: 'not_protected',
      run_untagged: true,
    });
    expect(res.body.projects[0]).toMatchObject({
      id: 1,
      path_with_namespace: 'engineering/payments/payment-gateway',
      name_with_namespace: 'Engineering / Payments / Payment gateway',
    });
    expectConformsTo('get_runner', res);
    const group = await call(
      ctx.emulator,
      'GET',
      `/api/v4/runners/${groupRunner.id}`,
      { token: owner },
    );
    expect(group.body).toMatchObject({
      version: '17.6.0',
      groups: [{ id: PAYMENTS_GROUP, name: 'Payments' }],
    });
  });

  it('PUT /runners/:id updates and answers with the details', async () => {
    const res = await call(
      ctx.emulator,
      'PUT',
      `/api/v4/runners/${projectRunner.id}`,
      {
        token: owner,
        body: {
          description: 'renamed',
          tag_list: ['linux', 'docker', 'arm64'],
          paused: true,
        },
      },
    );
    expect(res.body).toMatchObject({
      description: 'renamed',
      paused: true,
      active: false,
      tag_list: ['linux', 'docker', 'arm64'],
    });
    expectConformsTo('update_runner', res);
  });

  it('GET /runners/:id/managers is a plain list without pagination headers', async () => {
    const res = await call(
      ctx.emulator,
      'GET',
      `/api/v4/runners/${groupRunner.id}/managers`,
      { token: owner },
    );
    expect(res.body).toEqual([
      expect.objectContaining({
        system_id: 's_vm0001',
        version: '17.6.0',
        status: 'online',
        job_execution_status: 'active',
      }),
    ]);
    expect(res.headers.get('x-total')).toBeNull();
    expect(res.headers.get('link')).toBeNull();
    expectConformsTo('list_runner_managers', res);
  });

  it('GET /runners/:id/jobs lists the jobs it ran, newest first', async () => {
    const res = await call(
      ctx.emulator,
      'GET',
      `/api/v4/runners/${groupRunner.id}/jobs`,
      { token: owner },
    );
    expect(res.body.map((j: { status: string }) => j.status)).toEqual([
      'running',
      'failed',
    ]);
    expect(res.body[1]).toMatchObject({
      failure_reason: 'script_failure',
      project: { id: 1 },
    });
    expect(res.headers.get('x-total')).toBe('2');
    expectConformsTo('list_runner_jobs', res, {
      conditional: ['failure_reason'],
    });
    const byManager = await call(
      ctx.emulator,
      'GET',
      `/api/v4/runners/${groupRunner.id}/jobs?system_id=s_vm0001&status=running`,
      { token: owner },
    );
    expect(byManager.body).toHaveLength(1);
    expect(byManager.headers.get('x-total')).toBeNull();
  });

  it('GET /projects/:id/jobs filters by scope[] and never sends totals', async () => {
    const res = await call(
      ctx.emulator,
      'GET',
      `/api/v4/projects/${GATEWAY}/jobs?scope[]=pending&scope[]=failed`,
      { token: owner },
    );
    expect(res.body.map((j: { status: string }) => j.status)).toEqual([
      'pending',
      'failed',
    ]);
    expect(res.body[1]).toMatchObject({
      runner: { id: groupRunner.id },
      runner_manager: { system_id: 's_vm0001' },
      tag_list: ['linux'],
    });
    expect(res.headers.get('x-total')).toBeNull();
    expect(res.headers.get('x-total-pages')).toBeNull();
    expect(res.headers.get('link')).not.toContain('rel="last"');
    expectConformsTo('list_project_jobs', res, {
      conditional: ['failure_reason'],
    });
  });

  it('POST /runners/verify answers 200 with the runner token', async () => {
    const res = await call(ctx.emulator, 'POST', '/api/v4/runners/verify', {
      body: { token: groupRunner.token, system_id: 's_vm0002' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: groupRunner.id,
      token: groupRunner.token,
      token_expires_at: null,
    });
    expectConformsTo('verify_runner', res);
  });

  it('POST /runners/:id/reset_authentication_token answers 201 with a new token', async () => {
    const res = await call(
      ctx.emulator,
      'POST',
      `/api/v4/runners/${projectRunner.id}/reset_authentication_token`,
      { token: owner },
    );
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^glrt-/);
    expect(res.body.token).not.toBe(projectRunner.token);
    expectConformsTo('reset_runner_token_by_id', res);
  });

  it('DELETE answers 204 with an empty body, by id, by token and for managers', async () => {
    const manager = await call(
      ctx.emulator,
      'DELETE',
      `/api/v4/runners/managers?token=${groupRunner.token}&system_id=s_vm0002`,
    );
    expect(manager.status).toBe(204);
    expect(manager.text).toBe('');
    expectConformsTo('delete_runner_manager', manager);
    const byToken = await call(ctx.emulator, 'DELETE', '/api/v4/runners', {
      body: { token: groupRunner.token },
    });
    expect(byToken.status).toBe(204);
    const byId = await call(
      ctx.emulator,
      'DELETE',
      `/api/v4/runners/${projectRunner.id}`,
      { token: owner },
    );
    expect(byId.status).toBe(204);
    expectConformsTo('delete_runner', byId);
    const gone = await call(ctx.emulator, 'GET', '/api/v4/runners', {
      token: owner,
    });
    expect(gone.body).toEqual([]);
  });
});
