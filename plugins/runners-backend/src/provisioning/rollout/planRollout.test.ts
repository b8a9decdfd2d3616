import { Flavor, PoolSpec } from '@runner-fleet/plugin-runners-common';
import { RolloutRecord } from '../../database/RolloutStore';
import { planRollout, RolloutInput, RolloutVm } from './planRollout';

const NOW = new Date('2026-12-04T10:00:00Z');
const spec = { flavor: 'm1.large' } as PoolSpec;
const flavor = { name: 'm1.large' } as Flavor;

function vm(key: string, overrides: Partial<RolloutVm> = {}): RolloutVm {
  return {
    key,
    outdated: true,
    deleting: false,
    serving: true,
    failed: false,
    runningJobs: 0,
    ...overrides,
  };
}

function input(overrides: Partial<RolloutInput>): RolloutInput {
  return {
    poolId: 'p1',
    spec,
    flavor,
    targetHash: 'new',
    vms: [],
    slotsPerVm: 2,
    pendingJobs: 0,
    now: NOW,
    deadlineMs: 600_000,
    ...overrides,
  };
}

function record(overrides: Partial<RolloutRecord>): RolloutRecord {
  return {
    poolId: 'p1',
    version: 3,
    phase: 'rolling',
    reason: 'Replacing',
    message: '',
    targetHash: 'new',
    stableHash: 'old',
    vms: { outdated: 0, updated: 0, draining: 0 },
    replaced: 0,
    startedAt: '2026-12-04T09:59:00.000Z',
    progressAt: '2026-12-04T09:59:00.000Z',
    updatedAt: '2026-12-04T09:59:00.000Z',
    ...overrides,
  };
}

describe('planRollout', () => {
  it('counts a wanted VM that does not exist yet as a replacement in flight (Windows re-creates a VM only once the old one is gone)', () => {
    const vms = [
      vm('a'),
      vm('b'),
      vm('c'),
      vm('d', { deleting: true, runningJobs: 1, serving: false }),
    ];
    const rolling = record({ replaced: 1 });
    // Four wanted, three there: the fourth is on its way, so nothing more goes.
    expect(
      planRollout(input({ vms, replicas: 4, record: rolling })),
    ).toMatchObject({ retire: [], write: { reason: 'WaitingForNewVms' } });
    // Unknown replicas: only booting VMs count, and the next VM goes.
    expect(planRollout(input({ vms, record: rolling })).retire).toEqual(['a']);
  });

  it('retires idle VMs before busy ones, and VMs that serve nothing before either', () => {
    const plan = planRollout(
      input({
        vms: [
          vm('busy', { runningJobs: 2 }),
          vm('idle'),
          vm('unregistered', { serving: false }),
          vm('half', { runningJobs: 1 }),
          vm('a'),
          vm('b'),
          vm('c'),
          vm('d'),
        ],
      }),
    );
    // A quarter of 8 VMs may boot at once.
    expect(plan.retire).toEqual(['unregistered', 'a']);
    expect(plan.write).toMatchObject({ phase: 'rolling', reason: 'Replacing' });
    expect(plan.event).toMatch(/^rollout started: 8 VMs of 8/);
  });

  it('keeps enough free job slots for the pending jobs', () => {
    const plan = planRollout(
      input({
        vms: [vm('x', { runningJobs: 1 }), vm('y', { runningJobs: 1 })],
        pendingJobs: 1,
        record: record({}),
      }),
    );
    // Free slots: 1 + 1. Retiring x leaves 1, still enough for the one pending job.
    expect(plan.retire).toEqual(['x']);
    const blocked = planRollout(
      input({
        vms: [vm('x', { runningJobs: 1 }), vm('y', { runningJobs: 1 })],
        pendingJobs: 2,
        record: record({}),
      }),
    );
    expect(blocked.retire).toEqual([]);
    expect(blocked.write).toMatchObject({ reason: 'WaitingForCapacity' });
  });

  it('waits while new VMs boot, and halts once they miss the deadline', () => {
    const vms = [vm('old'), vm('new', { outdated: false, serving: false })];
    const waiting = planRollout(input({ vms, record: record({}) }));
    expect(waiting.retire).toEqual([]);
    expect(waiting.write).toMatchObject({ reason: 'WaitingForNewVms' });

    const late = planRollout(
      input({
        vms,
        record: record({ progressAt: '2026-12-04T09:49:00.000Z' }),
      }),
    );
    expect(late.write).toMatchObject({
      phase: 'halted',
      reason: 'NewVmsNotRegistered',
    });
    expect(late.event).toMatch(/old VM keep serving/);
    // Halted stays halted.
    expect(
      planRollout(input({ vms, record: record({ phase: 'halted' }) })),
    ).toEqual({ retire: [], active: false });
  });

  it('completes once no outdated VM is left, draining ones included', () => {
    const draining = planRollout(
      input({
        vms: [vm('old', { deleting: true }), vm('new', { outdated: false })],
        record: record({ replaced: 1 }),
      }),
    );
    expect(draining.write).toMatchObject({ reason: 'WaitingForDrain' });
    const complete = planRollout(
      input({
        vms: [vm('new', { outdated: false })],
        record: record({ replaced: 1 }),
      }),
    );
    expect(complete.write).toMatchObject({
      phase: 'stable',
      reason: 'Complete',
      stableHash: 'new',
    });
    expect(complete.event).toMatch(/rollout complete.*1 VM replaced in 1 min/);
  });

  it('rolls a pool without VMs instantly, and writes nothing for an unchanged one', () => {
    const stable = record({ phase: 'stable', stableHash: 'old' });
    const instant = planRollout(input({ vms: [], record: stable }));
    expect(instant.write).toMatchObject({
      reason: 'Instant',
      stableHash: 'new',
    });
    const unchanged = planRollout(
      input({
        vms: [vm('new', { outdated: false })],
        record: record({ phase: 'stable', stableHash: 'new' }),
      }),
    );
    expect(unchanged).toEqual({ retire: [], active: false });
  });
});
