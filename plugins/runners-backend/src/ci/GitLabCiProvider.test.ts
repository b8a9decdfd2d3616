import {
  GitLabEmulator,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { fleetRunnerDescription } from '@runner-fleet/plugin-runners-node';
import {
  makeProvider,
  poolSpec,
  runnerCall,
  verify,
} from './__testUtils__/fixtures';

const GATEWAY = 'engineering/payments/payment-gateway';

describe('GitLabCiProvider against the GitLab emulator', () => {
  let emulator: GitLabEmulator;
  beforeAll(async () => {
    emulator = await startGitLabEmulator();
  });
  afterAll(() => emulator.stop());
  beforeEach(() => emulator.control.reset());

  const runnerInEmulator = async (id: number) =>
    (await emulator.control.runners()).find(r => r.id === id);

  it('creates a group runner for engineering/payments that GitLab shows with our description and tags', async () => {
    const { provider } = makeProvider(emulator);
    const spec = poolSpec();
    const { id, token } = await provider.createRunner(spec);

    expect(token).toMatch(/^glrt-/);
    const runner = await runnerInEmulator(id);
    expect(runner).toMatchObject({
      runnerType: 'group_type',
      description: fleetRunnerDescription(spec),
      tagList: ['linux', 'm1.large'],
      runUntagged: false,
      locked: false,
      active: true,
      token,
    });
    expect(runner?.maintenanceNote).toContain('Runner Fleet');
    // The group id came from resolving the path: GitLab reports the runner under that group.
    const details = await provider.getRunner(id);
    expect(details).toEqual({
      id,
      description: fleetRunnerDescription(spec),
      poolId: spec.poolId,
      tags: ['linux', 'm1.large'],
      runUntagged: false,
      paused: false,
      status: 'never_contacted',
    });
    const res = await fetch(`${emulator.apiUrl}/runners/${id}`, {
      headers: { 'private-token': emulator.tokens.fleetBot },
    });
    const body = await res.json();
    expect(body.groups[0].web_url).toMatch(/\/groups\/engineering\/payments$/);
  });

  it('creates project and instance runners', async () => {
    const { provider } = makeProvider(emulator, {
      settings: { token: emulator.tokens.admin },
    });
    const project = await provider.createRunner(
      poolSpec({ scope: { type: 'project', path: GATEWAY } }),
    );
    const instance = await provider.createRunner(
      poolSpec({ scope: { type: 'instance' }, runUntagged: true }),
    );
    expect(await runnerInEmulator(project.id)).toMatchObject({
      runnerType: 'project_type',
      projectIds: [1],
    });
    expect(await runnerInEmulator(instance.id)).toMatchObject({
      runnerType: 'instance_type',
      runUntagged: true,
    });
  });

  it('lists only fleet runners, with their pool id, for owners and administrators', async () => {
    const bot = makeProvider(emulator).provider;
    const spec = poolSpec();
    const { id } = await bot.createRunner(spec);
    await runnerCall(emulator, 'POST', 'user/runners', {
      private_token: emulator.tokens.admin,
      runner_type: 'instance_type',
      description: 'hand-made runner',
    });

    const asBot = await bot.listFleetRunners();
    expect(asBot).toEqual([
      expect.objectContaining({ id, poolId: spec.poolId, tags: [] }),
    ]);
    const admin = makeProvider(emulator, {
      settings: { token: emulator.tokens.admin },
    }).provider;
    expect((await admin.listFleetRunners()).map(r => r.id)).toEqual([id]);
  });

  it('updates tags, run-untagged and description', async () => {
    const { provider } = makeProvider(emulator);
    const spec = poolSpec();
    const { id } = await provider.createRunner(spec);
    await provider.updateRunner(id, {
      ...spec,
      poolName: 'linux-xl',
      tags: ['linux', 'm1.xlarge'],
      runUntagged: true,
    });
    expect(await provider.getRunner(id)).toMatchObject({
      tags: ['linux', 'm1.xlarge'],
      description: expect.stringContaining('payments/linux-xl'),
    });
    expect((await runnerInEmulator(id))?.runUntagged).toBe(true);
  });

  it('resets the token: the new one verifies, the old one no longer does', async () => {
    const { provider } = makeProvider(emulator);
    const { id, token: old } = await provider.createRunner(poolSpec());
    const fresh = await provider.resetToken(id);

    expect(fresh).toMatch(/^glrt-/);
    expect(fresh).not.toBe(old);
    expect((await verify(emulator, fresh, 's_vm1')).status).toBe(200);
    expect((await verify(emulator, old, 's_vm1')).status).toBe(403);
  });

  it('lists the managers VMs registered and removes one with the runner token', async () => {
    const { provider } = makeProvider(emulator);
    const { id, token } = await provider.createRunner(poolSpec());
    expect(await provider.listManagers(id)).toEqual([]);
    await verify(emulator, token, 's_vm1');
    await verify(emulator, token, 's_vm2');

    const managers = await provider.listManagers(id);
    expect(managers.map(m => [m.systemId, m.status])).toEqual([
      ['s_vm1', 'online'],
      ['s_vm2', 'online'],
    ]);
    expect(managers[0].contactedAt).toEqual(expect.any(String));

    // Without the runner token GitLab offers no way to delete it: it stays, and that is no error.
    await provider.deleteManager(id, 's_vm1');
    expect(await provider.listManagers(id)).toHaveLength(2);
    await provider.deleteManager(id, 's_vm1', { runnerToken: token });
    expect((await provider.listManagers(id)).map(m => m.systemId)).toEqual([
      's_vm2',
    ]);
    // Gone already, or the runner itself gone: still fine.
    await provider.deleteManager(id, 's_vm1', { runnerToken: token });
    await provider.deleteManager(999999, 's_vm1');
  });

  it('lists jobs newest first with queue time, status filter and runner manager', async () => {
    const { provider } = makeProvider(emulator);
    const { id, token } = await provider.createRunner(poolSpec());
    const { jobs } = await emulator.control.enqueueJobs({
      project: GATEWAY,
      tags: ['linux'],
      count: 2,
    });
    await emulator.control.advanceClock(5000);
    const take = () =>
      runnerCall(emulator, 'POST', 'jobs/request', {
        token,
        system_id: 's_vm1',
      });
    const first = await take();
    await take();
    await runnerCall(emulator, 'PUT', `jobs/${first.body.id}`, {
      token: first.body.token,
      state: 'success',
    });

    const all = await provider.listJobs(id);
    expect(all.map(j => [j.id, j.status])).toEqual([
      [jobs[1].id, 'running'],
      [jobs[0].id, 'success'],
    ]);
    expect(all[1]).toMatchObject({
      runnerId: id,
      startedAt: expect.any(String),
    });
    expect(all[1].queuedDurationSeconds).toBeGreaterThanOrEqual(5);
    expect(await provider.listJobs(id, { status: 'running' })).toEqual([
      expect.objectContaining({ id: jobs[1].id }),
    ]);
    expect(await provider.listJobs(id, { limit: 1 })).toHaveLength(1);
    const onVm = await provider.listJobs(id, { systemId: 's_vm1' });
    expect(onVm.map(j => j.systemId)).toEqual(['s_vm1', 's_vm1']);
    expect(await provider.listJobs(id, { systemId: 's_other' })).toEqual([]);
  });

  it("reads a failed job's failure_reason: a job its runner stopped updating fails as stuck an hour later", async () => {
    const { provider } = makeProvider(emulator);
    const { id, token } = await provider.createRunner(poolSpec());
    await emulator.control.enqueueJobs({ project: GATEWAY, tags: ['linux'] });
    await runnerCall(emulator, 'POST', 'jobs/request', {
      token,
      system_id: 's_vm1',
    });
    // The VM went away: no more updates. GitLab's hourly stuck-jobs run fails the job.
    await emulator.control.advanceClock(2 * 3_600_000);
    const [job] = await provider.listJobs(id);
    expect(job).toMatchObject({
      status: 'failed',
      failureReason: 'stuck_or_timeout_failure',
    });
  });

  it('lists pending jobs with their tags for a project, a group with its subgroups, not an instance', async () => {
    const { provider } = makeProvider(emulator);
    const enqueue = (project: string, tags: string[], count = 1) =>
      emulator.control.enqueueJobs({ project, tags, count });
    await enqueue(GATEWAY, ['linux'], 2);
    await enqueue('engineering/payments/checkout-web', ['windows']);
    await enqueue('engineering/search/search-api', ['linux']);

    const group = await provider.listPendingJobs({
      type: 'group',
      path: 'engineering/payments',
    });
    expect(group.map(j => [j.status, j.tags]).sort()).toEqual([
      ['pending', ['linux']],
      ['pending', ['linux']],
      ['pending', ['windows']],
    ]);
    expect(group[0]).toMatchObject({
      runnerId: undefined,
      createdAt: expect.any(String),
    });
    const project = await provider.listPendingJobs({
      type: 'project',
      path: GATEWAY,
    });
    expect(project).toHaveLength(2);
    const everywhere = await provider.listPendingJobs({
      type: 'group',
      path: 'engineering',
    });
    expect(everywhere).toHaveLength(4);
    expect(await provider.listPendingJobs({ type: 'instance' })).toEqual([]);
  });

  it('deletes runners idempotently and reports missing runners as undefined', async () => {
    const { provider } = makeProvider(emulator);
    const { id } = await provider.createRunner(poolSpec());
    await provider.deleteRunner(id);
    await provider.deleteRunner(id);
    expect(await runnerInEmulator(id)).toBeUndefined();
    expect(await provider.getRunner(id)).toBeUndefined();
  });
});
