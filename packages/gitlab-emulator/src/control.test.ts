import { Gitlab } from '@gitbeaker/rest';
import { call, createRunner, useEmulator } from './__testUtils__/api';
import {
  expectDocumentedAppRateLimit,
  expectDocumentedThrottle,
} from './__testUtils__/shapes';
import {
  EmulatorControlClient,
  EmulatorControlError,
} from './control/EmulatorControlClient';
import { seedTokens } from './model/seed';

const HOUR = 60 * 60 * 1000;
const admin = seedTokens.admin;

describe('control surface', () => {
  const ctx = useEmulator();

  beforeEach(async () => {
    await ctx.emulator.control.reset();
  });

  it('is admin-only and GitLab-authenticated', async () => {
    expect((await call(ctx.emulator, 'GET', '/-/emulator/state')).status).toBe(
      401,
    );
    const user = new EmulatorControlClient({
      url: ctx.emulator.url,
      token: seedTokens.users.guest,
    });
    await expect(user.state()).rejects.toMatchObject({ status: 403 });
    await expect(user.state()).rejects.toBeInstanceOf(EmulatorControlError);
  });

  it('enqueues jobs and shows runners with their tokens, managers and job counts', async () => {
    const runner = await createRunner(ctx.emulator, {
      runner_type: 'group_type',
      group_id: 5,
      tag_list: ['android'],
    });
    const { pipelineId, jobs } = await ctx.emulator.control.enqueueJobs({
      project: 'engineering/mobile/android-app',
      count: 3,
      tags: ['android'],
      durationSeconds: 120,
    });
    expect(jobs.map(j => j.status)).toEqual(['pending', 'pending', 'pending']);
    expect(
      jobs.every(j => j.pipelineId === pipelineId && j.durationHint === 120),
    ).toBe(true);
    await call(ctx.emulator, 'POST', '/api/v4/jobs/request', {
      body: { token: runner.token, system_id: 'vm-a' },
    });
    const state = await ctx.emulator.control.state();
    expect(state.counts).toEqual({
      runners: 1,
      managers: 1,
      jobs: 3,
      jobsByStatus: { pending: 2, running: 1 },
    });
    expect(state.runners[0]).toMatchObject({
      id: runner.id,
      token: runner.token,
      status: 'online',
      managers: [{ systemId: 'vm-a', status: 'online' }],
    });
    expect(ctx.emulator.inspect().counts).toEqual(state.counts);
    await expect(
      ctx.emulator.control.enqueueJobs({ project: 'nope/nope' }),
    ).rejects.toThrow("project 'nope/nope' does not exist");
  });

  it('moves the clock: online, offline after 2 hours, stale after 7 days, as GitLab derives them', async () => {
    const start = new Date('2026-05-01T08:00:00.000Z');
    await ctx.emulator.control.setClock(start, { freeze: true });
    const fresh = await createRunner(ctx.emulator, {
      runner_type: 'instance_type',
    });
    const contacted = await createRunner(ctx.emulator, {
      runner_type: 'instance_type',
    });
    await call(ctx.emulator, 'POST', '/api/v4/runners/verify', {
      body: { token: contacted.token, system_id: 'vm-1' },
    });
    const statuses = async (query = '') =>
      (
        await call(ctx.emulator, 'GET', `/api/v4/runners/all${query}`, {
          token: admin,
        })
      ).body.map((r: { status: string; online: boolean | null }) => [
        r.status,
        r.online,
      ]);

    expect(await statuses()).toEqual([
      ['never_contacted', null],
      ['online', true],
    ]);
    await ctx.emulator.control.advanceClock(2 * HOUR);
    expect(await statuses()).toEqual([
      ['never_contacted', null],
      ['offline', false],
    ]);
    const managers = await call(
      ctx.emulator,
      'GET',
      `/api/v4/runners/${contacted.id}/managers`,
      { token: admin },
    );
    expect(managers.body[0].status).toBe('offline');
    expect(
      (
        await call(ctx.emulator, 'GET', '/api/v4/runners/all?status=offline', {
          token: admin,
        })
      ).body,
    ).toHaveLength(1);
    await ctx.emulator.control.advanceClock(7 * 24 * HOUR);
    expect(await statuses()).toEqual([
      ['stale', null],
      ['stale', false],
    ]);
    // GitLab's offline scope is "contacted before the deadline", so it also matches stale runners.
    expect(
      (
        await call(ctx.emulator, 'GET', '/api/v4/runners/all?status=offline', {
          token: admin,
        })
      ).body.map((r: { id: number }) => r.id),
    ).toEqual([contacted.id]);
    expect(
      (
        await call(
          ctx.emulator,
          'GET',
          '/api/v4/runners/all?status=never_contacted',
          { token: admin },
        )
      ).body.map((r: { id: number }) => r.id),
    ).toEqual([fresh.id]);
    expect((await ctx.emulator.control.clock()).now).toBe(
      '2026-05-08T10:00:00.000Z',
    );
  });

  it('injects 429 with Retry-After and RateLimit-* headers for a number of requests', async () => {
    const fault = await ctx.emulator.control.addFault({
      kind: 'rate_limit',
      method: 'GET',
      path: '/api/v4/runners/*',
      count: 2,
      retryAfterSeconds: 30,
    });
    const hit = await call(ctx.emulator, 'GET', '/api/v4/runners/all', {
      token: admin,
    });
    expect(hit.status).toBe(429);
    expect(hit.text).toBe('Retry later\n');
    expect(hit.headers.get('content-type')).toBe('text/plain');
    expect(hit.headers.get('retry-after')).toBe('30');
    expect(hit.headers.get('ratelimit-name')).toBe(
      'throttle_authenticated_api',
    );
    expect(hit.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(hit.headers.get('ratelimit-reset'))).toBeGreaterThan(
      Date.now() / 1000,
    );
    expectDocumentedThrottle(hit);
    expect(
      (await call(ctx.emulator, 'GET', '/api/v4/runners', { token: admin }))
        .status,
    ).toBe(200);
    expect(
      (await call(ctx.emulator, 'GET', '/api/v4/runners/all', { token: admin }))
        .status,
    ).toBe(429);
    expect(
      (await call(ctx.emulator, 'GET', '/api/v4/runners/all', { token: admin }))
        .status,
    ).toBe(200);
    expect(
      (await ctx.emulator.control.faults()).find(f => f.id === fault.id),
    ).toMatchObject({ hits: 2, active: false });
  });

  it('injects the application rate limiter, 5xx after skipped requests, and latency until cleared', async () => {
    await ctx.emulator.control.addFault({
      kind: 'app_rate_limit',
      path: '/api/v4/projects/:id/jobs',
    });
    const limited = await call(ctx.emulator, 'GET', '/api/v4/projects/1/jobs', {
      token: admin,
    });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      message: {
        error:
          'This endpoint has been requested too many times. Try again later.',
      },
    });
    expectDocumentedAppRateLimit(limited);
    await ctx.emulator.control.addFault({
      kind: 'error',
      status: 503,
      path: '/api/v4/user/runners',
      skip: 1,
      count: 1,
    });
    expect(
      (
        await call(ctx.emulator, 'POST', '/api/v4/user/runners', {
          token: admin,
          body: { runner_type: 'instance_type' },
        })
      ).status,
    ).toBe(201);
    const failed = await call(ctx.emulator, 'POST', '/api/v4/user/runners', {
      token: admin,
      body: { runner_type: 'instance_type' },
    });
    expect({ status: failed.status, body: failed.body }).toEqual({
      status: 503,
      body: { message: '503 Service Unavailable' },
    });
    await ctx.emulator.control.clearFaults();
    const slow = await ctx.emulator.control.addFault({
      kind: 'latency',
      path: '/api/v4/**',
      latencyMs: 150,
    });
    const started = Date.now();
    expect(
      (
        await call(ctx.emulator, 'GET', '/api/v4/projects/1/jobs', {
          token: admin,
        })
      ).status,
    ).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await ctx.emulator.control.removeFault(slow.id);
    expect(await ctx.emulator.control.faults()).toEqual([]);
  });

  it('a 429 for gitbeaker is retried, so gitbeaker sees success once the fault is used up', async () => {
    await ctx.emulator.control.addFault({
      kind: 'rate_limit',
      path: '/api/v4/runners/all',
      count: 1,
    });
    const api = new Gitlab({ host: ctx.emulator.url, token: admin });
    await expect(api.Runners.all()).resolves.toEqual([]);
    expect((await ctx.emulator.control.faults())[0].hits).toBe(1);
  });

  it('reset returns to the seed and drops faults and clock changes', async () => {
    await createRunner(ctx.emulator, { runner_type: 'instance_type' });
    await ctx.emulator.control.addFault({ kind: 'error', path: '/**' });
    await ctx.emulator.control.advanceClock(HOUR);
    const state = await ctx.emulator.control.reset();
    expect(state.counts.runners).toBe(0);
    expect(state.faults).toEqual([]);
    expect(Math.abs(Date.parse(state.now) - Date.now())).toBeLessThan(5000);
    expect(
      (await createRunner(ctx.emulator, { runner_type: 'instance_type' })).id,
    ).toBe(1);
  });
});
