import { PoolState } from '@runner-fleet/plugin-runners-common';
import {
  FleetRolloutPhase,
  FleetRolloutReason,
} from '../database/FleetRolloutStore';
import { RolloutPhase } from '../database/RolloutStore';

/** One pool of the rolled flavor as the fleet rollout sees it. */
export interface FleetPoolView {
  poolId: string;
  /** VMs the pool runs now (its share of the fleet the VM limit counts). */
  vms: number;
  state: PoolState;
  observedGeneration: number;
  /** Phase of the pool's own rollout; undefined when it never had one. */
  rolloutPhase?: RolloutPhase;
  /** Set when the fleet rollout admitted the pool: the generation admission wrote. */
  admittedGeneration?: number;
  /** The pool was deleted after admission: it counts as done. */
  gone?: boolean;
}

/** Everything one decision needs. Pure input: the same input gives the same plan. */
export interface FleetRolloutInput {
  phase: FleetRolloutPhase;
  canaryPools: number;
  maxVmPercent: number;
  /** Admitted pools, and live pools of the flavor still on another definition (waiting). */
  pools: FleetPoolView[];
}

/** Where one pool stands in a fleet rollout. */
export type FleetPoolStatus = 'waiting' | 'rolling' | 'done' | 'halted';

/** What to do now: pools to admit, and the phase and reason to write. */
export interface FleetRolloutPlan {
  admit: string[];
  phase: FleetRolloutPhase;
  reason: FleetRolloutReason;
  message: string;
  /** Per pool, after this step's admissions. */
  pools: Record<string, FleetPoolStatus>;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Where an admitted pool stands. Its own rollout runs in the reconcile pass before the pass
 * records the generation it observed, so once the admitted generation is observed the rollout
 * record speaks of the new template: stable then means rolled.
 */
export function fleetPoolStatus(pool: FleetPoolView): FleetPoolStatus {
  if (pool.admittedGeneration === undefined) return 'waiting';
  if (pool.gone) return 'done';
  if (pool.observedGeneration < pool.admittedGeneration) return 'rolling';
  if (pool.rolloutPhase === 'halted' || pool.rolloutPhase === 'rolling-back')
    return 'halted';
  if (
    (pool.rolloutPhase === undefined || pool.rolloutPhase === 'stable') &&
    pool.state === 'ready'
  )
    return 'done';
  return 'rolling';
}

/** Smallest first (fewest VMs at risk), then by id so the order is stable. */
function bySize(a: FleetPoolView, b: FleetPoolView): number {
  return a.vms - b.vms || a.poolId.localeCompare(b.poolId);
}

/**
 * Decides one step of a fleet rollout: which pools of the flavor to admit now (their own rollout
 * does the rest).
 *
 * The `canaryPools` smallest pools go first; the others wait until every canary's rollout is
 * complete and the pool ready. Then the rest is admitted smallest first, in batches, while the
 * VMs of pools still rolling stay within `maxVmPercent` of all VMs of the affected pools — at
 * least one pool at a time, so a pool larger than the limit still gets its turn alone. An
 * admitted pool whose rollout halts halts the fleet rollout; paused admits nothing.
 */
export function planFleetRollout(input: FleetRolloutInput): FleetRolloutPlan {
  const statuses: Record<string, FleetPoolStatus> = {};
  for (const pool of input.pools) statuses[pool.poolId] = fleetPoolStatus(pool);
  const admitted = input.pools.filter(p => p.admittedGeneration !== undefined);
  const waiting = input.pools
    .filter(p => p.admittedGeneration === undefined)
    .sort(bySize);
  const rolling = admitted.filter(p => statuses[p.poolId] === 'rolling');
  const halted = admitted.filter(p => statuses[p.poolId] === 'halted');
  const done = admitted.filter(p => statuses[p.poolId] === 'done');
  const hold = (
    phase: FleetRolloutPhase,
    reason: FleetRolloutReason,
    message: string,
  ): FleetRolloutPlan => ({
    admit: [],
    phase,
    reason,
    message,
    pools: statuses,
  });
  const progress = `${done.length} of ${plural(
    input.pools.length,
    'pool',
  )} rolled`;

  if (input.phase === 'complete' || input.phase === 'aborted') {
    return hold(
      input.phase,
      input.phase === 'complete' ? 'Complete' : 'Aborted',
      input.phase === 'complete'
        ? 'every pool of the flavor runs the new definition'
        : 'aborted: admitted pools return to their previous flavor',
    );
  }
  if (halted.length > 0) {
    return hold(
      'halted',
      'PoolRolloutHalted',
      `halted: the rollout of ${plural(halted.length, 'pool')} (${halted
        .map(p => p.poolId)
        .join(', ')}) halted; fix the pool or abort, then resume (${progress})`,
    );
  }
  if (input.phase === 'halted') {
    return hold(
      'halted',
      'PoolRolloutHalted',
      `halted: resume to admit more pools (${progress})`,
    );
  }
  if (waiting.length === 0 && rolling.length === 0) {
    return hold(
      'complete',
      'Complete',
      `complete: ${plural(done.length, 'pool')} run the new definition`,
    );
  }
  if (input.phase === 'paused') {
    return hold(
      'paused',
      'Paused',
      `paused: no pool is admitted until resumed; ${plural(
        rolling.length,
        'admitted pool',
      )} finish their own rollouts (${progress})`,
    );
  }

  const canaryTarget = Math.min(
    Math.max(0, input.canaryPools),
    input.pools.length,
  );
  if (input.phase === 'canary') {
    const missing = canaryTarget - admitted.length;
    if (missing > 0) {
      const admit = waiting.slice(0, missing).map(p => p.poolId);
      for (const id of admit) statuses[id] = 'rolling';
      return {
        admit,
        phase: 'canary',
        reason: 'CanaryRolling',
        message: `canary: ${plural(
          admit.length + rolling.length,
          'pool',
        )} rolling first (${admit.join(', ')}); the others wait until ${
          canaryTarget === 1 ? 'it is' : 'they are'
        } rolled and ready`,
        pools: statuses,
      };
    }
    if (rolling.length > 0) {
      return hold(
        'canary',
        'CanaryRolling',
        `canary: waiting for ${plural(
          rolling.length,
          'canary pool',
        )} to finish rolling and be ready (${progress})`,
      );
    }
  }

  // Rolling: admit the smallest waiting pools while the rolling VMs stay within the limit.
  const totalVms = input.pools.reduce((sum, p) => sum + p.vms, 0);
  const limit = (totalVms * input.maxVmPercent) / 100;
  let rollingVms = rolling.reduce((sum, p) => sum + p.vms, 0);
  const admit: string[] = [];
  for (const pool of waiting) {
    const first = rolling.length === 0 && admit.length === 0;
    if (!first && rollingVms + pool.vms > limit) break;
    admit.push(pool.poolId);
    statuses[pool.poolId] = 'rolling';
    rollingVms += pool.vms;
  }
  if (admit.length > 0) {
    return {
      admit,
      phase: 'rolling',
      reason: 'Admitting',
      message: `admitting ${plural(admit.length, 'pool')} (${admit.join(
        ', ',
      )}); ${rollingVms} of ${totalVms} VMs rolling, limit ${
        input.maxVmPercent
      }% (${progress})`,
      pools: statuses,
    };
  }
  return hold(
    'rolling',
    'WaitingForPools',
    waiting.length > 0
      ? `waiting: ${plural(rolling.length, 'pool')} rolling with ${plural(
          rollingVms,
          'VM',
        )}; the next pool would pass the limit of ${
          input.maxVmPercent
        }% of ${plural(totalVms, 'VM')} (${progress})`
      : `waiting for the last ${plural(
          rolling.length,
          'pool',
        )} to finish rolling (${progress})`,
  );
}
