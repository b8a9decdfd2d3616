import { examplePoolSpec } from '@runner-fleet/plugin-runners-common/testUtils';
import { mockCredentials } from '@backstage/backend-test-utils';
import { FakeRunnersService } from '../__testUtils__/FakeRunnersService';
import {
  actionContext,
  CheckpointStore,
  PRIYA,
} from '../__testUtils__/actionContext';
import { createRunnersPoolWaitAction } from './waitForPool';

const WAITING =
  'waiting: a primary cluster (runners.clusters) is not configured';

async function setup() {
  const runners = new FakeRunnersService();
  const { pool } = await runners.createPool(examplePoolSpec(), {
    credentials: mockCredentials.user(PRIYA),
  });
  runners.calls.length = 0;
  const action = createRunnersPoolWaitAction({ runners });
  const input = (overrides: Record<string, number> = {}) => ({
    poolId: pool.id,
    pollSeconds: 0.01,
    ...overrides,
  });
  return { runners, action, poolId: pool.id, input };
}

describe('runners:pool:wait', () => {
  it('waits through the states until the pool is ready, logging each', async () => {
    const { runners, action, poolId, input } = await setup();
    runners.script(
      poolId,
      ['provisioning', 'registering the GitLab runner and creating the VMs'],
      ['provisioning', 'booting 2 VMs'],
      ['ready', '2 of 2 VMs running'],
    );
    const { ctx, output, logs } = actionContext(action, input());
    await action.handler(ctx);

    expect(output).toHaveBeenCalledWith('state', 'ready');
    expect(output).toHaveBeenCalledWith('stateReason', '2 of 2 VMs running');
    expect(output).toHaveBeenCalledWith('stateCode', 'Ready');
    expect(logs()).toEqual([
      expect.stringContaining(
        'pool payments/builds is provisioning: registering the GitLab runner',
      ),
      expect.stringContaining('is provisioning: booting 2 VMs'),
      expect.stringContaining('is ready: 2 of 2 VMs running'),
    ]);
  });

  it('keeps waiting while the pool waits for approval, and says so', async () => {
    const { runners, action, poolId, input } = await setup();
    runners.script(
      poolId,
      ['pending-approval', 'waiting for the platform team to approve'],
      ['provisioning', 'approved by user:default/ada.platform'],
      ['ready', 'running'],
    );
    const { ctx, output, logs } = actionContext(action, input());
    await action.handler(ctx);
    expect(logs()[0]).toMatch(
      /^pool payments\/builds waits for the platform team to approve it/,
    );
    expect(output).toHaveBeenCalledWith('state', 'ready');
  });

  it.each([
    ['failed', 'GitLab refused the runner: 403 Forbidden'],
    ['rejected', 'rejected by user:default/ada.platform: too big'],
    ['deleted', 'deleted by user:default/priya.payments'],
  ] as const)(
    'fails with the reason when the pool is %s',
    async (state, reason) => {
      const { runners, action, poolId, input } = await setup();
      runners.script(poolId, ['provisioning', 'creating'], [state, reason]);
      const { ctx } = actionContext(action, input());
      await expect(action.handler(ctx)).rejects.toThrow(
        `pool payments/builds is ${state}: ${reason}`,
      );
    },
  );

  it('times out with the state and the reason it is waiting', async () => {
    const { runners, action, poolId, input } = await setup();
    runners.script(poolId, ['provisioning', WAITING]);
    const { ctx } = actionContext(action, input({ timeoutSeconds: 0.05 }));
    await expect(action.handler(ctx)).rejects.toThrow(
      `pool payments/builds did not become ready within 0.05 s; it is provisioning: ${WAITING}`,
    );
  });

  it('keeps the deadline when a resumed task waits again', async () => {
    const { runners, action, poolId, input } = await setup();
    runners.script(poolId, ['provisioning', WAITING]);
    const checkpoints = new CheckpointStore();
    const startedAt = Date.now() - 59_900;
    checkpoints.values.set('wait-window-0-started', startedAt);

    const began = Date.now();
    const { ctx } = actionContext(action, input({ timeoutSeconds: 60 }), {
      checkpoints,
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      'did not become ready within 60 s',
    );
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(checkpoints.values.get('wait-window-0-started')).toBe(startedAt);
  });

  it('takes one last look when the deadline passed while the task was down', async () => {
    const { runners, action, poolId, input } = await setup();
    runners.script(poolId, ['ready', 'running']);
    const checkpoints = new CheckpointStore();
    checkpoints.values.set('wait-window-0-started', Date.now() - 3_600_000);
    const { ctx, output } = actionContext(
      action,
      input({ timeoutSeconds: 60 }),
      {
        checkpoints,
      },
    );
    await action.handler(ctx);
    expect(output).toHaveBeenCalledWith('state', 'ready');
  });

  it('waits anew when the user retries a task that timed out', async () => {
    const { runners, action, poolId, input } = await setup();
    runners.script(poolId, ['provisioning', WAITING]);
    const checkpoints = new CheckpointStore();
    const first = actionContext(action, input({ timeoutSeconds: 0.05 }), {
      checkpoints,
    });
    await expect(action.handler(first.ctx)).rejects.toThrow(
      'did not become ready',
    );

    runners.script(poolId, ['provisioning', 'booting'], ['ready', 'running']);
    const retry = actionContext(action, input({ timeoutSeconds: 0.05 }), {
      checkpoints,
    });
    await action.handler(retry.ctx);
    expect(retry.output).toHaveBeenCalledWith('state', 'ready');
    expect(checkpoints.values.has('wait-window-1-started')).toBe(true);
  });

  it('stops waiting when the task is cancelled', async () => {
    const { runners, action, poolId, input } = await setup();
    runners.script(poolId, ['provisioning', WAITING]);
    const cancel = new AbortController();
    const { ctx } = actionContext(action, input({ pollSeconds: 60 }), {
      signal: cancel.signal,
    });
    const waiting = action.handler(ctx);
    setTimeout(() => cancel.abort(), 50);
    await expect(waiting).rejects.toThrow('the task was cancelled');
  });

  it('fails with the server message for a pool that does not exist', async () => {
    const { action, input } = await setup();
    const { ctx } = actionContext(action, { ...input(), poolId: 'nope' });
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: "could not read pool nope: pool 'nope' does not exist",
    });
  });

  it('reads nothing in a dry run', async () => {
    const { runners, action } = await setup();
    const { ctx, logs } = actionContext(
      action,
      { poolId: 'from-a-dry-run' },
      { isDryRun: true },
    );
    await action.handler(ctx);
    expect(runners.calls).toEqual([]);
    expect(logs()).toEqual([
      'Dry run: would wait up to 15 min for pool from-a-dry-run to become ready',
    ]);
  });
});
