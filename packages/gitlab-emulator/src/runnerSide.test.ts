import { call, createRunner, useEmulator } from './__testUtils__/api';
import { seedTokens } from './model/seed';

const admin = seedTokens.admin;
const GATEWAY = 'engineering/payments/payment-gateway';

describe('the runner side: job requests, updates and traces', () => {
  const ctx = useEmulator();
  const request = (token: string, systemId = 's_vm1', info: object = {}) =>
    call(ctx.emulator, 'POST', '/api/v4/jobs/request', {
      body: { token, system_id: systemId, info, last_update: 'abc' },
    });
  const enqueue = (tags: string[], extra: object = {}) =>
    ctx.emulator.control
      .enqueueJobs({ project: GATEWAY, tags, ...extra })
      .then(r => r.jobs[0].id);

  beforeEach(async () => {
    await ctx.emulator.control.reset();
  });

  it('answers 204 with X-GitLab-Last-Update when nothing is pending', async () => {
    const runner = await createRunner(ctx.emulator, {
      runner_type: 'instance_type',
    });
    const res = await request(runner.token);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers.get('x-gitlab-last-update')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('answers 403 to an unknown runner token', async () => {
    const res = await request('glrt-unknown');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ message: '403 Forbidden' });
  });

  it('assigns the oldest job whose tags are a subset of the runner tags, respecting run_untagged', async () => {
    const linux = await createRunner(ctx.emulator, {
      runner_type: 'instance_type',
      tag_list: ['linux', 'docker'],
    });
    const windows = await createRunner(ctx.emulator, {
      runner_type: 'instance_type',
      tag_list: ['windows'],
      run_untagged: false,
    });
    const gpu = await enqueue(['linux', 'gpu']);
    const win = await enqueue(['windows']);
    const untagged = await enqueue([]);
    const docker1 = await enqueue(['docker']);
    const docker2 = await enqueue(['linux', 'docker']);

    expect((await request(windows.token)).body.id).toBe(win);
    expect((await request(windows.token)).status).toBe(204);
    expect((await request(linux.token)).body.id).toBe(untagged);
    expect((await request(linux.token)).body.id).toBe(docker1);
    expect((await request(linux.token)).body.id).toBe(docker2);
    expect((await request(linux.token)).status).toBe(204);
    const pending = await ctx.emulator.control.jobs({ status: 'pending' });
    expect(pending.map(j => j.id)).toEqual([gpu]);
  });

  it('keeps group runners to their group and ref_protected runners to protected refs', async () => {
    const search = await createRunner(ctx.emulator, {
      runner_type: 'group_type',
      group_id: 4,
    });
    const protectedOnly = await createRunner(ctx.emulator, {
      runner_type: 'project_type',
      project_id: 1,
      access_level: 'ref_protected',
    });
    const feature = await enqueue([], { ref: 'feature/x' });
    expect((await request(search.token)).status).toBe(204);
    expect((await request(protectedOnly.token)).status).toBe(204);
    const main = await enqueue([]);
    expect((await request(protectedOnly.token)).body.id).toBe(main);
    const engineering = await createRunner(ctx.emulator, {
      runner_type: 'group_type',
      group_id: 1,
    });
    expect((await request(engineering.token)).body.id).toBe(feature);
  });

  it('gives paused runners nothing but still records the contact and the manager', async () => {
    const runner = await createRunner(ctx.emulator, {
      runner_type: 'instance_type',
      paused: true,
    });
    await enqueue([]);
    const res = await request(runner.token, 's_paused', {
      version: '17.5.1',
      platform: 'linux',
      architecture: 'amd64',
      executor: 'docker',
    });
    expect(res.status).toBe(204);
    const [snapshot] = await ctx.emulator.control.runners();
    expect(snapshot.contactedAt).not.toBeNull();
    expect(snapshot.status).toBe('paused');
    expect(snapshot.managers).toEqual([
      expect.objectContaining({
        systemId: 's_paused',
        version: '17.5.1',
        platform: 'linux',
        architecture: 'amd64',
        executor: 'docker',
        ipAddress: '127.0.0.1',
        status: 'online',
      }),
    ]);
  });

  it('hands out a job payload a gitlab-runner can execute', async () => {
    const runner = await createRunner(ctx.emulator, {
      runner_type: 'instance_type',
      maximum_timeout: 1800,
    });
    const jobId = await enqueue([], { durationSeconds: 5, name: 'unit' });
    const res = await request(runner.token);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: jobId,
      token: expect.stringMatching(/^glcbt-/),
      job_info: {
        id: jobId,
        name: 'unit',
        stage: 'test',
        project_id: 1,
        project_full_path: GATEWAY,
      },
      git_info: {
        ref: 'main',
        ref_type: 'branch',
        sha: expect.stringMatching(/^[0-9a-f]{40}$/),
        protected: true,
      },
      runner_info: { timeout: 1800 },
      steps: [
        {
          name: 'script',
          script: [expect.any(String), 'sleep 5'],
          when: 'on_success',
          timeout: 1800,
        },
      ],
    });
    const variables = Object.fromEntries(
      res.body.variables.map((v: { key: string; value: string }) => [
        v.key,
        v.value,
      ]),
    );
    expect(variables).toMatchObject({
      CI_JOB_ID: String(jobId),
      GIT_STRATEGY: 'none',
      CI_JOB_TOKEN: res.body.token,
    });
  });

  it('records queued_duration, started_at, finished_at and duration on the job', async () => {
    const t0 = new Date('2026-03-02T10:00:00.000Z');
    await ctx.emulator.control.setClock(t0, { freeze: true });
    const runner = await createRunner(ctx.emulator, {
      runner_type: 'instance_type',
    });
    const jobId = await enqueue([]);
    await ctx.emulator.control.advanceClock(30_000);
    const job = await request(runner.token, 's_vm7');
    await ctx.emulator.control.advanceClock(90_000);
    const running = await call(ctx.emulator, 'PUT', `/api/v4/jobs/${jobId}`, {
      body: { token: job.body.token, state: 'running' },
    });
    expect(running.status).toBe(200);
    expect(running.text).toBe('200');
    expect(running.headers.get('job-status')).toBe('running');
    const done = await call(ctx.emulator, 'PUT', `/api/v4/jobs/${jobId}`, {
      body: { token: job.body.token, state: 'success', exit_code: 0 },
    });
    expect(done.headers.get('job-status')).toBe('success');

    const [listed] = (
      await call(ctx.emulator, 'GET', `/api/v4/projects/1/jobs`, {
        token: admin,
      })
    ).body;
    expect(listed).toMatchObject({
      id: jobId,
      status: 'success',
      created_at: '2026-03-02T10:00:00.000Z',
      started_at: '2026-03-02T10:00:30.000Z',
      finished_at: '2026-03-02T10:02:00.000Z',
      queued_duration: 30,
      duration: 90,
      runner: { id: runner.id },
      runner_manager: { system_id: 's_vm7' },
    });
    expect(listed).not.toHaveProperty('failure_reason');
  });

  it('fails jobs with the reported failure_reason, unknown reasons becoming unknown_failure', async () => {
    const runner = await createRunner(ctx.emulator, {
      runner_type: 'instance_type',
    });
    await enqueue([]);
    await enqueue([]);
    for (const reason of ['runner_system_failure', 'made_up']) {
      const job = await request(runner.token);
      await call(ctx.emulator, 'PUT', `/api/v4/jobs/${job.body.id}`, {
        body: {
          token: job.body.token,
          state: 'failed',
          failure_reason: reason,
        },
      });
    }
    const jobs = await ctx.emulator.control.jobs({ status: 'failed' });
    expect(jobs.map(j => j.failureReason)).toEqual([
      'runner_system_failure',
      'unknown_failure',
    ]);
  });

  it('fails a running job whose runner stopped sending updates, at the first hourly stuck-jobs run an hour later', async () => {
    await ctx.emulator.control.setClock(new Date('2026-03-02T10:20:00.000Z'), {
      freeze: true,
    });
    const runner = await createRunner(ctx.emulator, {
      runner_type: 'instance_type',
    });
    const cut = await enqueue([]);
    const alive = await enqueue([]);
    await request(runner.token);
    const beating = await request(runner.token);
    const heartbeat = () =>
      call(ctx.emulator, 'PUT', `/api/v4/jobs/${alive}`, {
        body: { token: beating.body.token, state: 'running' },
      });
    // 11:00: not an hour since the last update yet; 12:00: the 10:20 job is over an hour old.
    await ctx.emulator.control.advanceClock(40 * 60_000);
    await heartbeat();
    expect(
      (await ctx.emulator.control.jobs({ status: 'running' })).map(j => j.id),
    ).toEqual([cut, alive]);
    await ctx.emulator.control.advanceClock(30 * 60_000);
    await heartbeat();
    await ctx.emulator.control.advanceClock(30 * 60_000);
    const failed = await ctx.emulator.control.jobs({ status: 'failed' });
    expect(failed.map(j => [j.id, j.failureReason])).toEqual([
      [cut, 'stuck_or_timeout_failure'],
    ]);
    expect((await heartbeat()).status).toBe(200);
  });

  it('rejects job updates with a wrong token or for jobs no longer running', async () => {
    const runner = await createRunner(ctx.emulator, {
      runner_type: 'instance_type',
    });
    const jobId = await enqueue([]);
    const job = await request(runner.token);
    const wrong = await call(ctx.emulator, 'PUT', `/api/v4/jobs/${jobId}`, {
      body: { token: 'glcbt-wrong', state: 'running' },
    });
    expect(wrong.status).toBe(403);
    await ctx.emulator.control.cancelJob(jobId);
    const canceled = await call(ctx.emulator, 'PUT', `/api/v4/jobs/${jobId}`, {
      body: { token: job.body.token, state: 'running' },
    });
    expect(canceled.status).toBe(403);
    expect(canceled.body).toEqual({
      message: '403 Forbidden - Job is not processing on runner',
    });
    expect(canceled.headers.get('job-status')).toBe('canceled');
    const unknownState = await enqueue([]).then(async () =>
      request(runner.token),
    );
    const bad = await call(
      ctx.emulator,
      'PUT',
      `/api/v4/jobs/${unknownState.body.id}`,
      { body: { token: unknownState.body.token, state: 'exploded' } },
    );
    expect(bad.status).toBe(400);
  });

  it('appends trace patches at the right offset', async () => {
    const runner = await createRunner(ctx.emulator, {
      runner_type: 'instance_type',
    });
    const jobId = await enqueue([]);
    const { body } = await request(runner.token);
    const patch = (range: string | undefined, text: string) =>
      fetch(`${ctx.emulator.url}/api/v4/jobs/${jobId}/trace`, {
        method: 'PATCH',
        headers: {
          'job-token': body.token,
          'content-type': 'text/plain',
          ...(range ? { 'content-range': range } : {}),
        },
        body: text,
      });
    const first = await patch('0-5', 'hello\n');
    expect(first.status).toBe(202);
    expect(first.headers.get('range')).toBe('0-6');
    expect((await patch('3-5', 'oops')).headers.get('range')).toBe('0-6');
    expect((await patch('3-5', 'oops')).status).toBe(416);
    expect((await patch(undefined, 'x')).status).toBe(400);
    expect((await patch('6-11', 'world\n')).headers.get('range')).toBe('0-12');
    const [snapshot] = await ctx.emulator.control.jobs();
    expect(snapshot.traceBytes).toBe(12);
  });
});
