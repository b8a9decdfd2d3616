import { FleetRolloutRecord } from '../database/FleetRolloutStore';
import { PoolStore } from '../database/PoolStore';
import { RolloutStore } from '../database/RolloutStore';
import { FleetPoolEntry, fleetPools } from './fleetPools';
import { fleetPoolStatus, FleetPoolStatus } from './planFleetRollout';

/** One pool of a fleet rollout, for the API. */
export interface FleetRolloutPoolProgress {
  poolId: string;
  team?: string;
  name?: string;
  status: FleetPoolStatus;
  canary: boolean;
  /** VMs on the previous definition and on the new one. */
  vms: { old: number; new: number };
  /** What the pool's own rollout says. */
  message?: string;
}

/** A fleet rollout with where each of its pools stands. */
export interface FleetRolloutView {
  rollout: FleetRolloutRecord;
  pools: FleetRolloutPoolProgress[];
  progress: { pools: number; poolsDone: number; vms: number; vmsNew: number };
}

/** What an admitted pool of an aborted fleet rollout says: it went back, whatever its own step. */
const RETURNED = 'returned to its previous definition by the abort';

/** The VMs of a pool on the previous definition and on the new one. */
function vmsOf(
  entry: FleetPoolEntry,
  status: FleetPoolStatus,
  aborted: boolean,
): FleetRolloutPoolProgress['vms'] {
  const { view, rollout } = entry;
  // The abort gave every admitted pool its previous definition back: none of its VMs are (or
  // will be) on the new one, and a finished pool has returned rather than rolled.
  if (aborted || status === 'waiting') return { old: view.vms, new: 0 };
  if (status === 'done') return { old: 0, new: view.vms };
  if (
    rollout &&
    rollout.phase !== 'stable' &&
    view.observedGeneration >= (view.admittedGeneration ?? 0)
  ) {
    return {
      old: rollout.vms.outdated + rollout.vms.draining,
      new: rollout.vms.updated,
    };
  }
  return { old: view.vms, new: 0 };
}

function progressOf(
  entry: FleetPoolEntry,
  status: FleetPoolStatus,
  aborted: boolean,
): FleetRolloutPoolProgress {
  const { view, pool, rollout } = entry;
  let message: string | undefined;
  if (status !== 'waiting') {
    message = aborted
      ? [RETURNED, rollout?.message].filter(Boolean).join(': ')
      : rollout?.message;
  }
  return {
    poolId: view.poolId,
    team: pool?.team,
    name: pool?.name,
    status,
    canary: entry.canary,
    vms: vmsOf(entry, status, aborted),
    message,
  };
}

/** Where each pool of a fleet rollout stands, and the totals. */
export async function viewFleetRollout(
  deps: {
    store: PoolStore;
    rollouts: RolloutStore;
    vmCount: (poolId: string) => number | undefined;
  },
  record: FleetRolloutRecord,
): Promise<FleetRolloutView> {
  const entries = await fleetPools(deps, record);
  const aborted = record.phase === 'aborted';
  const pools = entries.map(e =>
    progressOf(e, fleetPoolStatus(e.view), aborted),
  );
  return {
    rollout: record,
    pools,
    progress: {
      pools: pools.length,
      poolsDone: aborted ? 0 : pools.filter(p => p.status === 'done').length,
      vms: pools.reduce((s, p) => s + p.vms.old + p.vms.new, 0),
      vmsNew: pools.reduce((s, p) => s + p.vms.new, 0),
    },
  };
}
