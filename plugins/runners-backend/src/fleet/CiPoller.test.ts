import { mockServices } from '@backstage/backend-test-utils';
import {
  GitLabEmulator,
  seedTokens,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { GitLabScope } from '@runner-fleet/plugin-runners-common';
import {
  EXAMPLE_FLAVOR_CATALOG,
  examplePoolSpec,
} from '@runner-fleet/plugin-runners-common/testUtils';
import { randomUUID } from 'node:crypto';
import { GitLabCiProvider } from '../ci';
import { poolSpec } from '../ci/__testUtils__/fixtures';
import { PoolRecord } from '../database/PoolStore';
import { CiPoller, snapshotAgeMs } from './CiPoller';

let emulator: GitLabEmulator;
beforeAll(async () => {
  emulator = await startGitLabEmulator();
});
afterAll(() => emulator.stop());

function provider() {
  return GitLabCiProvider.create({
    settings: {
      baseUrl: emulator.url,
      token: seedTokens.fleetBot,
      requestsPerMinute: 60_000,
      maxRetryWaitSeconds: 5,
    },
    logger: mockServices.logger.mock(),
  });
}

/** A pool with a real runner in the emulated GitLab. */
async function poolWithRunner(
  ci: GitLabCiProvider,
  scope: GitLabScope,
): Promise<PoolRecord> {
  const id = randomUUID();
  const runner = await ci.createRunner(poolSpec({ poolId: id, scope }));
  const spec = examplePoolSpec({ flavor: 'm1.large' });
  return {
    id,
    team: 'payments',
    name: `pool-${id.slice(0, 8)}`,
    spec: { ...spec, gitlab: { ...spec.gitlab, scope } },
    flavor: EXAMPLE_FLAVOR_CATALOG.flavors[0],
    reserved: { cpu: 4, memoryGiB: 6 },
    state: 'ready',
    stateReason: 'ok',
    stateCode: 'Ready',
    generation: 1,
    observedGeneration: 1,
    version: 1,
    createdBy: 'user:default/guest',
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    gitlabRunnerId: runner.id,
  };
}

const payments: GitLabScope = {
  type: 'project',
  path: 'engineering/payments/payment-gateway',
};

describe('CiPoller', () => {
  it('counts a group scope as the requests it makes: 1 + one per project', async () => {
    const ci = provider();
    const engineering: GitLabScope = { type: 'group', path: 'engineering' };
    const pool = await poolWithRunner(ci, engineering);
    const poller = CiPoller.create({
      ci,
      budget: ci.budget,
      logger: mockServices.logger.mock(),
    });
    const before = ci.budget.requestsMade;
    await poller.poll([pool]);
    // engineering and its subgroups hold 7 projects; the pool costs 3 (managers, running, recent).
    expect(poller.lastRound).toEqual({
      requests: 1 + 7 + 3,
      pools: 1,
      scopes: 1,
    });
    expect(ci.budget.requestsMade - before).toBe(11);
  });

  it('stays within its round budget and refreshes every pool in turn', async () => {
    const ci = provider();
    const pools: PoolRecord[] = [];
    for (let i = 0; i < 10; i++) pools.push(await poolWithRunner(ci, payments));
    let now = Date.parse('2026-12-04T10:00:00Z');
    const poller = CiPoller.create({
      ci,
      budget: ci.budget,
      requestsPerRound: 10,
      logger: mockServices.logger.mock(),
      clock: () => now,
    });
    const polledAfter: number[] = [];
    for (let round = 0; round < 4; round++) {
      const before = ci.budget.requestsMade;
      await poller.poll(pools);
      expect(ci.budget.requestsMade - before).toBeLessThanOrEqual(10);
      polledAfter.push(pools.filter(p => poller.snapshot(p.id)).length);
      now += 15_000;
    }
    // One scope read (1) and three pools (3 each) per round: 10 pools in four rounds.
    expect(polledAfter).toEqual([3, 6, 9, 10]);
    // The fifth round goes on where the fourth stopped: the pools read longest ago.
    const oldestFirst = [...pools].sort(
      (a, b) =>
        poller.snapshot(a.id)!.polledAt - poller.snapshot(b.id)!.polledAt,
    );
    await poller.poll(pools);
    const refreshed = pools.filter(
      p => poller.snapshot(p.id)!.polledAt === now,
    );
    expect(refreshed.map(p => p.id).sort()).toEqual(
      oldestFirst
        .slice(0, 3)
        .map(p => p.id)
        .sort(),
    );
    // Snapshots carry their age: the oldest part (pool or scope data) decides.
    const s = poller.snapshot(oldestFirst[9].id)!;
    expect(snapshotAgeMs(s, now)).toBe(now - s.polledAt);
    expect(poller.oldestAgeSeconds(pools, now)).toBe(45);
  });

  it("counts a pool whose scope's pending jobs were never read as old as the pool", async () => {
    const ci = provider();
    const pool = await poolWithRunner(ci, payments);
    const now = Date.parse(pool.createdAt) + 600_000;
    // A round of 3 requests reads the pool's own data but not its scope.
    const poller = CiPoller.create({
      ci,
      budget: ci.budget,
      requestsPerRound: 3,
      logger: mockServices.logger.mock(),
      clock: () => now,
    });
    await poller.poll([pool]);
    expect(poller.lastRound).toMatchObject({ pools: 1, scopes: 0 });
    expect(poller.oldestAgeSeconds([pool], now)).toBe(600);
    // With room for the scope too, both are read now: the age is the data's.
    const roomy = CiPoller.create({
      ci,
      budget: ci.budget,
      logger: mockServices.logger.mock(),
      clock: () => now,
    });
    await roomy.poll([pool]);
    expect(roomy.lastRound).toMatchObject({ pools: 1, scopes: 1 });
    expect(roomy.oldestAgeSeconds([pool], now)).toBe(0);
  });

  it("reports a runner deleted behind the pool's back as missing", async () => {
    const ci = provider();
    const pool = await poolWithRunner(ci, payments);
    const poller = CiPoller.create({ ci, logger: mockServices.logger.mock() });
    expect(poller.runnerState(pool)).toBe('unknown');
    await poller.poll([pool]);
    expect(poller.runnerState(pool)).toBe('present');
    await ci.deleteRunner(pool.gitlabRunnerId!);
    await poller.poll([pool]);
    expect(poller.runnerState(pool)).toBe('missing');
    // A new runner for the pool is unknown until read.
    expect(poller.runnerState({ ...pool, gitlabRunnerId: 1 })).toBe('unknown');
  });
});
