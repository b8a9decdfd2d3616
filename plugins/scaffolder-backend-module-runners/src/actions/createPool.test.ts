import { FakeRunnersService } from '../__testUtils__/FakeRunnersService';
import {
  actionContext,
  CheckpointStore,
  PRIYA,
} from '../__testUtils__/actionContext';
import { createRunnersPoolCreateAction } from './createPool';
import { CreatePoolInput } from './poolSpec';

const input = (overrides: Partial<CreatePoolInput> = {}): CreatePoolInput => ({
  team: 'group:default/payments',
  name: 'builds',
  flavor: 'm1.large',
  minReplicas: 1,
  maxReplicas: 4,
  tags: ['docker'],
  gitlabScope: { type: 'group', path: 'engineering/payments' },
  ...overrides,
});

function setup(options: { teams?: string[]; maxCpu?: number } = {}) {
  const runners = new FakeRunnersService(options);
  const action = createRunnersPoolCreateAction({
    runners,
    appBaseUrl: 'https://portal.example.com/',
  });
  return { runners, action };
}

describe('runners:pool:create', () => {
  it('creates the pool as the user and outputs its id, state and page', async () => {
    const { runners, action } = setup();
    const { ctx, output } = actionContext(action, input());
    await action.handler(ctx);

    const [pool] = runners.pools.values();
    expect(pool).toMatchObject({
      team: 'payments',
      name: 'builds',
      state: 'provisioning',
      createdBy: PRIYA,
      // left out by the template, so the platform's defaults apply
      spec: { autoscaling: { targetUtilization: 0.3, scaleToZero: false } },
    });
    expect(output).toHaveBeenCalledWith('poolId', pool.id);
    expect(output).toHaveBeenCalledWith('state', 'provisioning');
    expect(output).toHaveBeenCalledWith(
      'poolUrl',
      `https://portal.example.com/runners/pools/${pool.id}`,
    );
    expect(output).not.toHaveBeenCalledWith('requestId', expect.anything());
  });

  it('outputs the approval request when a custom flavor waits for the platform team', async () => {
    const { action } = setup({ maxCpu: 200 });
    const { ctx, output, logs } = actionContext(
      action,
      input({
        flavor: undefined,
        customFlavor: { os: 'linux', cpu: 24, memoryGiB: 64, diskGiB: 200 },
      }),
    );
    await action.handler(ctx);
    expect(output).toHaveBeenCalledWith('state', 'pending-approval');
    expect(output).toHaveBeenCalledWith('requestId', 'request-pool-1');
    expect(logs()).toContainEqual(
      expect.stringContaining('waits for the platform team to approve'),
    );
  });

  it('in a dry run validates through the API and creates nothing', async () => {
    const { runners, action } = setup();
    const { ctx, output, logs } = actionContext(action, input(), {
      isDryRun: true,
    });
    await action.handler(ctx);
    expect(runners.calls).toEqual([{ method: 'createPool', dryRun: true }]);
    expect(runners.pools.size).toBe(0);
    expect(output).toHaveBeenCalledWith('state', 'provisioning');
    expect(logs()).toContainEqual(
      expect.stringMatching(/m1\.large .*1-4 VMs.*Nothing was created/),
    );
  });

  it('reports a dry run that would fail, with the field', async () => {
    const { runners, action } = setup();
    const { ctx } = actionContext(action, input({ flavor: 'm9.huge' }), {
      isDryRun: true,
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      "could not create pool payments/builds: flavor: flavor 'm9.huge' does not exist",
    );
    expect(runners.pools.size).toBe(0);
  });

  it('fails with the server message when the user may not create pools for the team', async () => {
    const { action } = setup();
    const { ctx } = actionContext(action, input({ team: 'search' }));
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        "could not create pool search/builds: you may create pools only for your own teams; you are not a member of 'search'",
    });
  });

  it('fails with usage and limit when the quota is exceeded', async () => {
    const { runners, action } = setup({ maxCpu: 40 });
    const { ctx } = actionContext(
      action,
      input({ flavor: 'm1.xlarge', maxReplicas: 10 }),
    );
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        "quota of team 'payments' exceeded (vCPU: 0 in use + 80 requested > limit 40)",
      ),
    });
    expect(runners.pools.size).toBe(0);
  });

  it('fails naming the field when the spec is invalid', async () => {
    const { action } = setup();
    const { ctx } = actionContext(
      action,
      input({ minReplicas: 5, maxReplicas: 2 }),
    );
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'autoscaling.minReplicas: minReplicas (5) is greater than maxReplicas (2)',
      ),
    });
  });

  it.each([
    [
      'neither flavor nor customFlavor',
      { flavor: undefined },
      'flavor: give either',
    ],
    ['a team in another namespace', { team: 'group:acme/payments' }, 'team:'],
    ['a user instead of a team', { team: 'user:default/priya' }, 'team:'],
  ])('rejects %s before calling the API', async (_, overrides, message) => {
    const { runners, action } = setup();
    const { ctx } = actionContext(action, input(overrides));
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(runners.calls).toEqual([]);
  });

  it('creates the pool once when the task runs again', async () => {
    const { runners, action } = setup();
    const checkpoints = new CheckpointStore();
    const first = actionContext(action, input(), { checkpoints });
    await action.handler(first.ctx);
    const second = actionContext(action, input(), { checkpoints });
    await action.handler(second.ctx);

    expect(runners.calls.filter(c => c.method === 'createPool')).toHaveLength(
      1,
    );
    expect(second.output).toHaveBeenCalledWith('poolId', 'pool-1');
  });

  it('reuses the pool it created when the task stopped before saving the checkpoint', async () => {
    const { runners, action } = setup();
    const checkpoints = new CheckpointStore();
    checkpoints.crashAfter = 'create-pool';
    await expect(
      action.handler(actionContext(action, input(), { checkpoints }).ctx),
    ).rejects.toThrow('backend restarted');
    checkpoints.crashAfter = undefined;

    const resumed = actionContext(action, input(), { checkpoints });
    await action.handler(resumed.ctx);
    expect(runners.pools.size).toBe(1);
    expect(resumed.output).toHaveBeenCalledWith('poolId', 'pool-1');
    expect(resumed.logs()).toContainEqual(
      expect.stringContaining('already created by an earlier run of this step'),
    );
  });

  it('does not take over a pool of the same name that it did not create', async () => {
    const { runners, action } = setup();
    await action.handler(actionContext(action, input()).ctx);
    const other = actionContext(action, input(), {
      checkpoints: new CheckpointStore(),
    });
    const [pool] = runners.pools.values();
    pool.createdAt = new Date(Date.now() - 3_600_000).toISOString();

    await expect(action.handler(other.ctx)).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        "could not create pool payments/builds: team 'payments' already has a pool named 'builds'; pick another name",
    });
  });
});
