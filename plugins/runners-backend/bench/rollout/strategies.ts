import type { PoolSpec } from '@runner-fleet/plugin-runners-common';
import type { RolloutRecord } from '../../src/database/RolloutStore';
import {
  planRollout,
  RolloutVm,
} from '../../src/provisioning/rollout/planRollout';
import {
  ROLLOUT_DEADLINE_MS,
  ROLLOUT_POLL_MS,
} from '../../src/provisioning/rollout/Rollout';
import { PoolState, SimControl, Strategy } from './simulate';

/** Simulated seconds as the wall-clock Date `planRollout` reads (the day does not matter). */
const asDate = (second: number) =>
  new Date(Date.UTC(2026, 11, 4) + second * 1000);

/**
 * (a) Runner Fleet: every pool's rollout step, decided by the product's own `planRollout`, every
 * `ROLLOUT_POLL_MS` (the requeue of a pool in a rollout), with the record it writes kept per pool
 * as the `RolloutStore` would. What the pass reads from the cluster and GitLab is the simulated
 * fleet: outdated by template hash, serving once booted and registered, running jobs per VM,
 * pending jobs of the pool.
 */
export function runnerFleetStrategy(): Strategy {
  const records = new Map<string, RolloutRecord>();
  let version = 0;
  return {
    name: '(a) Runner Fleet (planRollout)',
    everyS: ROLLOUT_POLL_MS / 1000,
    step(control: SimControl) {
      const now = asDate(control.now);
      for (const state of control.pools) {
        const record =
          records.get(state.pool.id) ?? stableRecord(state, control.now);
        const hasOld = state.vms.some(vm => vm.hash !== state.targetHash);
        // The reconciler asks again only while a rollout is open or VMs are outdated.
        if (record.phase === 'stable' && !hasOld) continue;
        const byKey = new Map(state.vms.map(vm => [vm.key, vm]));
        const vms: RolloutVm[] = state.vms.map(vm => ({
          key: vm.key,
          outdated: vm.hash !== state.targetHash,
          deleting: vm.deletingAt !== undefined,
          serving: vm.deletingAt === undefined && vm.servingAt <= control.now,
          failed: false,
          runningJobs: vm.jobs.length,
        }));
        const plan = planRollout({
          poolId: state.pool.id,
          spec: specOf(state),
          flavor: state.pool.flavor,
          targetHash: state.targetHash,
          vms,
          slotsPerVm: state.pool.slots,
          pendingJobs: state.queue.length,
          record,
          now,
          deadlineMs: ROLLOUT_DEADLINE_MS,
        });
        if (plan.write) {
          records.set(state.pool.id, {
            ...plan.write,
            version: ++version,
            updatedAt: now.toISOString(),
          });
        } else {
          records.set(state.pool.id, record);
        }
        for (const key of plan.retire) control.retire(state, byKey.get(key)!);
      }
    },
  };
}

/** (b) The naive baseline: at the change, every old VM is deleted at once. */
export function deleteAllStrategy(): Strategy {
  let done = false;
  return {
    name: '(b) delete all old VMs at once',
    everyS: 1,
    step(control: SimControl) {
      if (done) return;
      done = true;
      for (const state of control.pools)
        for (const vm of state.vms)
          if (vm.hash !== state.targetHash) control.retire(state, vm);
    },
  };
}

/** (c) Today's behaviour without a rollout: old VMs go only when KEDA scales in. */
export function naturalScaleInStrategy(): Strategy {
  return {
    name: '(c) wait for natural scale-in',
    everyS: 60,
    step() {
      // Nothing: the VMIRS starts new VMs from the new template and removes surplus ones.
    },
  };
}

/**
 * The pool's spec as the record keeps it (what an abort would restore); the rollout decision
 * itself does not read it, so only the flavor name is filled in.
 */
function specOf(state: PoolState): PoolSpec {
  return { flavor: state.pool.flavor.name } as PoolSpec;
}

/** The record a pool has before the change: stable on the old template. */
function stableRecord(state: PoolState, second: number): RolloutRecord {
  const at = asDate(second).toISOString();
  return {
    poolId: state.pool.id,
    version: 0,
    phase: 'stable',
    reason: 'UpToDate',
    message: 'every VM runs the current template',
    targetHash: 'old',
    stableHash: 'old',
    stableSpec: specOf(state),
    stableFlavor: state.pool.flavor,
    vms: { outdated: 0, updated: state.vms.length, draining: 0 },
    replaced: 0,
    updatedAt: at,
  };
}
