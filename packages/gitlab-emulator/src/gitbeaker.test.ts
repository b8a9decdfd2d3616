import { Gitlab } from '@gitbeaker/rest';
import { call, useEmulator } from './__testUtils__/api';
import { seedTokens } from './model/seed';

describe('the real client works unchanged: @gitbeaker/rest against the emulator', () => {
  const ctx = useEmulator();
  const client = () =>
    new Gitlab({ host: ctx.emulator.url, token: seedTokens.fleetBot });
  const adminClient = () =>
    new Gitlab({ host: ctx.emulator.url, token: seedTokens.admin });

  it('creates, lists across pages, shows, edits and removes runners', async () => {
    const api = client();
    const created = [];
    for (let i = 0; i < 23; i++) {
      created.push(
        await api.Users.createCIRunner('group_type', {
          groupId: 3,
          tagList: ['linux', 'm1.large'],
          description: `payments-pool-${i}`,
          runUntagged: false,
          maximumTimeout: 3600,
        }),
      );
    }
    expect(created[0]).toEqual({
      id: expect.any(Number),
      token: expect.stringMatching(/^glrt-/),
      token_expires_at: null,
    });

    // Follows link rel="next": 23 runners at 10 per page is three requests.
    const listed = await api.Runners.all({
      groupId: 'engineering/payments',
      perPage: 10,
      tagList: ['m1.large'],
    });
    expect(listed.map(r => r.id)).toEqual(created.map(r => r.id));
    const expanded = await adminClient().Runners.all({
      perPage: 5,
      maxPages: 1,
      showExpanded: true,
    });
    expect(expanded.paginationInfo).toEqual({
      total: 23,
      next: 2,
      current: 1,
      previous: null,
      perPage: 5,
      totalPages: 5,
    });

    const shown = await api.Runners.show(created[0].id);
    expect(shown).toMatchObject({
      id: created[0].id,
      description: 'payments-pool-0',
      tag_list: ['linux', 'm1.large'],
      run_untagged: false,
      runner_type: 'group_type',
      status: 'never_contacted',
    });

    const edited = await api.Runners.edit(created[0].id, {
      paused: true,
      tagList: ['linux'],
    });
    expect(edited).toMatchObject({ paused: true, tag_list: ['linux'] });

    await api.Runners.remove({ runnerId: created[0].id });
    await api.Runners.remove({ token: created[1].token });
    const remaining = await api.Runners.all({ owned: true });
    expect(remaining).toHaveLength(21);
  });

  it('lists runner jobs and project jobs, and reaches managers and token reset with fetch', async () => {
    const api = client();
    const runner = await api.Users.createCIRunner('project_type', {
      projectId: 4,
      tagList: ['python'],
    });
    await ctx.emulator.control.enqueueJobs({
      project: 'engineering/search/search-indexer',
      count: 2,
      tags: ['python'],
    });
    const job = await call(ctx.emulator, 'POST', '/api/v4/jobs/request', {
      body: {
        token: runner.token,
        system_id: 's_vm42',
        info: { version: '17.6.0' },
      },
    });
    await call(ctx.emulator, 'PUT', `/api/v4/jobs/${job.body.id}`, {
      body: { token: job.body.token, state: 'success' },
    });

    const runnerJobs = await api.Runners.allJobs(runner.id, {
      status: 'success',
    });
    expect(runnerJobs.map(j => j.id)).toEqual([job.body.id]);
    const pending = await api.Jobs.all('engineering/search/search-indexer', {
      scope: 'pending',
    });
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({
      status: 'pending',
      tag_list: ['python'],
      runner: null,
    });

    const managers = await call(
      ctx.emulator,
      'GET',
      `/api/v4/runners/${runner.id}/managers`,
      { token: seedTokens.fleetBot },
    );
    expect(managers.body).toEqual([
      expect.objectContaining({ system_id: 's_vm42', version: '17.6.0' }),
    ]);
    const reset = await call(
      ctx.emulator,
      'POST',
      `/api/v4/runners/${runner.id}/reset_authentication_token`,
      { token: seedTokens.fleetBot },
    );
    expect(reset.status).toBe(201);
    const oldToken = await call(
      ctx.emulator,
      'POST',
      '/api/v4/runners/verify',
      { body: { token: runner.token } },
    );
    expect(oldToken.status).toBe(403);
    // Runners.verify's typed options lack `token`; it is passed through as is.
    const options = { token: reset.body.token, systemId: 's_vm42' };
    const verified = await api.Runners.verify(
      options as Parameters<typeof api.Runners.verify>[0],
    );
    expect(verified).toMatchObject({ id: runner.id, token: reset.body.token });
  });

  it('shows groups and projects and lists a group’s projects across pages', async () => {
    const api = client();
    const group = await api.Groups.show('engineering/payments', {
      withProjects: false,
    });
    expect(group).toMatchObject({
      id: 3,
      full_path: 'engineering/payments',
      full_name: 'Engineering / Payments',
      parent_id: 1,
      visibility: 'private',
    });
    expect(group).not.toHaveProperty('projects');
    const withProjects = await api.Groups.show(3);
    expect(
      (withProjects.projects as Array<{ id: number }>).map(p => p.id),
    ).toEqual([2, 1]);

    const project = await api.Projects.show(
      'engineering/payments/payment-gateway',
    );
    expect(project).toMatchObject({
      id: 1,
      path_with_namespace: 'engineering/payments/payment-gateway',
      name_with_namespace: 'Engineering / Payments / Payment gateway',
      default_branch: 'main',
      shared_runners_enabled: true,
      namespace: { id: 3, kind: 'group', full_path: 'engineering/payments' },
      permissions: { group_access: { access_level: 50 } },
    });

    // Follows link rel="next": 7 projects at 3 per page is three requests.
    const projects = await api.Groups.allProjects('engineering', {
      includeSubgroups: true,
      perPage: 3,
    });
    expect(projects.map(p => p.id)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    const simple = await api.Groups.allProjects(1, {
      includeSubgroups: true,
      simple: true,
      orderBy: 'name',
      sort: 'asc',
      perPage: 2,
      maxPages: 1,
      showExpanded: true,
    });
    expect(simple.data.map(p => p.path)).toEqual([
      'android-app',
      'checkout-web',
    ]);
    expect(simple.paginationInfo).toEqual({
      total: 7,
      next: 2,
      current: 1,
      previous: null,
      perPage: 2,
      totalPages: 4,
    });

    const outsider = new Gitlab({
      host: ctx.emulator.url,
      token: seedTokens.users['mei.mobile'],
    });
    await expect(outsider.Groups.show('engineering/payments')).rejects.toThrow(
      '404 Group Not Found',
    );
    await expect(outsider.Projects.show(1)).rejects.toThrow(
      '404 Project Not Found',
    );
  });

  it('surfaces GitLab error messages through GitbeakerRequestError', async () => {
    const api = new Gitlab({
      host: ctx.emulator.url,
      token: seedTokens.users['mei.mobile'],
    });
    await expect(api.Runners.all()).rejects.toThrow('403 Forbidden');
    await expect(api.Users.createCIRunner('group_type', {})).rejects.toThrow(
      'group_id is missing',
    );
    await expect(api.Runners.show(99999)).rejects.toThrow('404 Not found');
  });
});
