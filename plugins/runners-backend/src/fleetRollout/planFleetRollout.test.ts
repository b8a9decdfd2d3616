import {
  FleetPoolView,
  FleetRolloutInput,
  planFleetRollout,
} from './planFleetRollout';

function pool(
  poolId: string,
  vms: number,
  overrides: Partial<FleetPoolView> = {},
): FleetPoolView {
  return {
    poolId,
    vms,
    state: 'ready',
    observedGeneration: 1,
    rolloutPhase: 'stable',
    ...overrides,
  };
}

/** Admitted at generation 2; the reconciler has not observed it yet. */
const admittedRolling = { admittedGeneration: 2, observedGeneration: 1 };
/** Admitted, observed, its rollout is replacing VMs. */
const admittedReplacing = {
  admittedGeneration: 2,
  observedGeneration: 2,
  rolloutPhase: 'rolling' as const,
};
const admittedDone = { admittedGeneration: 2, observedGeneration: 2 };

function input(overrides: Partial<FleetRolloutInput>): FleetRolloutInput {
  return {
    phase: 'canary',
    canaryPools: 1,
    maxVmPercent: 25,
    pools: [],
    ...overrides,
  };
}

describe('planFleetRollout', () => {
  it('admits the smallest pool alone as the canary', () => {
    const plan = planFleetRollout(
      input({ pools: [pool('big', 10), pool('small', 2), pool('mid', 5)] }),
    );
    expect(plan.admit).toEqual(['small']);
    expect(plan.phase).toBe('canary');
    expect(plan.reason).toBe('CanaryRolling');
    expect(plan.pools).toEqual({
      big: 'waiting',
      small: 'rolling',
      mid: 'waiting',
    });
  });

  it('admits as many canaries as asked, smallest first', () => {
    const plan = planFleetRollout(
      input({
        canaryPools: 2,
        pools: [pool('c', 3), pool('a', 1), pool('b', 1)],
      }),
    );
    expect(plan.admit).toEqual(['a', 'b']);
  });

  it('admits nothing more while the canary has not observed its new generation', () => {
    const plan = planFleetRollout(
      input({ pools: [pool('small', 2, admittedRolling), pool('big', 10)] }),
    );
    expect(plan.admit).toEqual([]);
    expect(plan.phase).toBe('canary');
    expect(plan.reason).toBe('CanaryRolling');
  });

  it('waits while the canary rolls, and while it is rolled but not ready', () => {
    for (const canary of [
      pool('small', 2, admittedReplacing),
      pool('small', 2, { ...admittedDone, state: 'degraded' }),
      pool('small', 2, { ...admittedDone, state: 'provisioning' }),
    ]) {
      const plan = planFleetRollout(
        input({ pools: [canary, pool('big', 10)] }),
      );
      expect(plan.admit).toEqual([]);
      expect(plan.pools.small).toBe('rolling');
    }
  });

  it('leaves canary for rolling once the canary is rolled and ready, and admits within the VM limit', () => {
    // 2 + 3 + 3 + 4 + 8 = 20 VMs; 25% = 5 VMs may roll at once.
    const plan = planFleetRollout(
      input({
        pools: [
          pool('canary', 2, admittedDone),
          pool('a', 3),
          pool('b', 3),
          pool('c', 4),
          pool('d', 8),
        ],
      }),
    );
    expect(plan.phase).toBe('rolling');
    expect(plan.reason).toBe('Admitting');
    expect(plan.admit).toEqual(['a']);
    expect(plan.pools.canary).toBe('done');
  });

  it('admits several small pools in one batch when they fit the limit', () => {
    const plan = planFleetRollout(
      input({
        phase: 'rolling',
        maxVmPercent: 50,
        pools: [pool('a', 1), pool('b', 2), pool('c', 2), pool('d', 5)],
      }),
    );
    // 10 VMs, limit 5: a + b + c = 5 fit, d would pass it.
    expect(plan.admit).toEqual(['a', 'b', 'c']);
  });

  it('waits with WaitingForPools when the next pool would pass the limit', () => {
    const plan = planFleetRollout(
      input({
        phase: 'rolling',
        pools: [pool('a', 3, admittedReplacing), pool('b', 3), pool('c', 14)],
      }),
    );
    expect(plan.admit).toEqual([]);
    expect(plan.reason).toBe('WaitingForPools');
    expect(plan.phase).toBe('rolling');
  });

  it('admits a pool larger than the limit alone when nothing else rolls', () => {
    const plan = planFleetRollout(
      input({
        phase: 'rolling',
        pools: [pool('a', 2, admittedDone), pool('huge', 40), pool('b', 50)],
      }),
    );
    expect(plan.admit).toEqual(['huge']);
  });

  it('halts with PoolRolloutHalted when an admitted pool rollout halts, and admits nothing', () => {
    const plan = planFleetRollout(
      input({
        phase: 'rolling',
        pools: [
          pool('a', 2, { ...admittedDone, rolloutPhase: 'halted' }),
          pool('b', 1),
        ],
      }),
    );
    expect(plan.phase).toBe('halted');
    expect(plan.reason).toBe('PoolRolloutHalted');
    expect(plan.admit).toEqual([]);
    expect(plan.pools.a).toBe('halted');
  });

  it('does not take a halted rollout from before admission for this one', () => {
    const plan = planFleetRollout(
      input({
        pools: [
          pool('a', 2, { ...admittedRolling, rolloutPhase: 'halted' }),
          pool('b', 1),
        ],
      }),
    );
    expect(plan.phase).toBe('canary');
  });

  it('stays halted after the pool recovers until someone resumes', () => {
    const plan = planFleetRollout(
      input({
        phase: 'halted',
        pools: [pool('a', 2, admittedDone), pool('b', 1)],
      }),
    );
    expect(plan.phase).toBe('halted');
    expect(plan.admit).toEqual([]);
  });

  it('admits nothing while paused', () => {
    const plan = planFleetRollout(
      input({
        phase: 'paused',
        pools: [pool('a', 2, admittedDone), pool('b', 1)],
      }),
    );
    expect(plan.admit).toEqual([]);
    expect(plan.phase).toBe('paused');
    expect(plan.reason).toBe('Paused');
  });

  it('completes when every pool is rolled, counting deleted admitted pools as done', () => {
    const plan = planFleetRollout(
      input({
        phase: 'rolling',
        pools: [
          pool('a', 2, admittedDone),
          pool('b', 0, { ...admittedRolling, gone: true }),
        ],
      }),
    );
    expect(plan.phase).toBe('complete');
    expect(plan.reason).toBe('Complete');
  });

  it('keeps a finished rollout finished', () => {
    for (const phase of ['complete', 'aborted'] as const) {
      const plan = planFleetRollout(input({ phase, pools: [pool('a', 1)] }));
      expect(plan.admit).toEqual([]);
      expect(plan.phase).toBe(phase);
    }
  });

  it('treats an admitted pool whose rollout is rolling back as halted', () => {
    const plan = planFleetRollout(
      input({
        phase: 'rolling',
        pools: [
          pool('a', 2, { ...admittedDone, rolloutPhase: 'rolling-back' }),
        ],
      }),
    );
    expect(plan.phase).toBe('halted');
  });
});
