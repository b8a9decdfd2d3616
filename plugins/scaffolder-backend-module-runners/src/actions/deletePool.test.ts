import { mockCredentials } from '@backstage/backend-test-utils';
import { examplePoolSpec } from '@runner-fleet/plugin-runners-common/testUtils';
import { FakeRunnersService } from '../__testUtils__/FakeRunnersService';
import {
  actionContext,
  CheckpointStore,
  PRIYA,
} from '../__testUtils__/actionContext';
import { createRunnersPoolDeleteAction } from './deletePool';

async function setup() {
  const runners = new FakeRunnersService({ teams: ['payments'] });
  const { pool } = await runners.createPool(examplePoolSpec(), {
    credentials: mockCredentials.user(PRIYA),
  });
  // A pool of a team the user does not belong to.
  runners.pools.set('pool-2', { ...pool, id: 'pool-2', team: 'search' });
  return { runners, action: createRunnersPoolDeleteAction({ runners }) };
}

describe('runners:pool:delete', () => {
  it('deletes a pool found by team and name', async () => {
    const { runners, action } = await setup();
    const { ctx, output, logs } = actionContext(action, {
      team: 'group:default/payments',
      name: 'builds',
    });
    await action.handler(ctx);
    expect(runners.pools.get('pool-1')?.state).toBe('deleting');
    expect(output).toHaveBeenCalledWith('poolId', 'pool-1');
    expect(output).toHaveBeenCalledWith('state', 'deleting');
    expect(logs()).toEqual([
      'pool payments/builds is deleting: removing VMs, scalers, secrets and the GitLab runner',
    ]);
  });

  it('deletes a pool by id, once when the task runs again', async () => {
    const { runners, action } = await setup();
    const checkpoints = new CheckpointStore();
    await action.handler(
      actionContext(action, { poolId: 'pool-1' }, { checkpoints }).ctx,
    );
    const again = actionContext(action, { poolId: 'pool-1' }, { checkpoints });
    await action.handler(again.ctx);
    expect(runners.calls.filter(c => c.method === 'deletePool')).toHaveLength(
      1,
    );
    expect(again.output).toHaveBeenCalledWith('state', 'deleting');
  });

  it('fails when the team has no such pool', async () => {
    const { action } = await setup();
    const { ctx } = actionContext(action, { team: 'payments', name: 'nope' });
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: "team 'payments' has no pool named 'nope'",
    });
  });

  it('fails with the server message when the user may not delete the pool', async () => {
    const { runners, action } = await setup();
    const { ctx } = actionContext(action, { poolId: 'pool-2' });
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        "could not delete pool search/builds: you may not delete pools of team 'search'",
    });
    expect(runners.pools.get('pool-2')?.state).toBe('provisioning');
  });

  it('asks for the pool when given neither id nor team and name', async () => {
    const { action } = await setup();
    const { ctx } = actionContext(action, { team: 'payments' });
    await expect(action.handler(ctx)).rejects.toThrow(
      'poolId: give the pool id, or the team and the name of the pool',
    );
  });

  it('deletes nothing in a dry run', async () => {
    const { runners, action } = await setup();
    const { ctx, output } = actionContext(
      action,
      { team: 'payments', name: 'builds' },
      { isDryRun: true },
    );
    await action.handler(ctx);
    expect(runners.calls.filter(c => c.method === 'deletePool')).toEqual([]);
    expect(runners.pools.get('pool-1')?.state).toBe('provisioning');
    expect(output).toHaveBeenCalledWith('state', 'provisioning');
  });
});
