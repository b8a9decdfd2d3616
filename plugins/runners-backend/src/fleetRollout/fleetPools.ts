import { Flavor, PoolState } from '@runner-fleet/plugin-runners-common';
import { FleetRolloutRecord } from '../database/FleetRolloutStore';
import { PoolRecord, PoolStore } from '../database/PoolStore';
import { RolloutRecord, RolloutStore } from '../database/RolloutStore';
import { sameGoldenImage } from '../provisioning/goldenImagePin';
import { GoldenImageSource } from '../provisioning/render';
import { FleetPoolView } from './planFleetRollout';

/** States of a pool that runs (or is about to run) VMs: the pools a fleet rollout reaches. */
const LIVE: PoolState[] = ['provisioning', 'ready', 'degraded', 'failed'];

/** The same definition, whatever the key order of the stored JSON. */
export function sameFlavor(a: Flavor, b: Flavor): boolean {
  const canonical = (f: Flavor) =>
    JSON.stringify(
      Object.entries(f)
        .filter(([, v]) => v !== undefined)
        .sort(([x], [y]) => x.localeCompare(y)),
    );
  return canonical(a) === canonical(b);
}

/**
 * Live pools of the catalog flavor `name` that run another definition than `target`, or (Windows)
 * are pinned to another golden image version than `goldenImage`.
 */
export async function poolsToRoll(
  store: PoolStore,
  name: string,
  target: Flavor,
  goldenImage?: GoldenImageSource,
): Promise<PoolRecord[]> {
  const pools = await store.listPools({ states: LIVE });
  return pools.filter(
    p =>
      typeof p.spec.flavor === 'string' &&
      p.spec.flavor === name &&
      (!sameFlavor(p.flavor, target) ||
        (goldenImage !== undefined &&
          !sameGoldenImage(p.goldenImage, goldenImage))),
  );
}

/** One pool of a fleet rollout with what its view was made of. */
export interface FleetPoolEntry {
  view: FleetPoolView;
  pool?: PoolRecord;
  rollout?: RolloutRecord;
  canary: boolean;
}

/**
 * The pools of a fleet rollout as the planner sees them: every pool it admitted (a deleted one
 * counts as done), and the live pools of the flavor still on another definition.
 */
export async function fleetPools(
  deps: {
    store: PoolStore;
    rollouts: RolloutStore;
    vmCount: (poolId: string) => number | undefined;
  },
  record: FleetRolloutRecord,
): Promise<FleetPoolEntry[]> {
  const entries: FleetPoolEntry[] = [];
  const vmsOf = (pool: PoolRecord, rollout?: RolloutRecord) => {
    const counted = rollout
      ? rollout.vms.outdated + rollout.vms.updated + rollout.vms.draining
      : 0;
    return Math.max(deps.vmCount(pool.id) ?? 0, counted);
  };
  for (const admitted of record.admitted) {
    const pool = await deps.store.getPool(admitted.poolId);
    const rollout = pool ? await deps.rollouts.get(pool.id) : undefined;
    const gone = !pool || pool.state === 'deleting' || pool.state === 'deleted';
    entries.push({
      pool,
      rollout,
      canary: admitted.canary,
      view: {
        poolId: admitted.poolId,
        vms: pool ? vmsOf(pool, rollout) : 0,
        state: pool?.state ?? 'deleted',
        observedGeneration: pool?.observedGeneration ?? 0,
        rolloutPhase: rollout?.phase,
        admittedGeneration: admitted.generation,
        gone,
      },
    });
  }
  const admittedIds = new Set(record.admitted.map(a => a.poolId));
  if (record.phase !== 'complete' && record.phase !== 'aborted') {
    for (const pool of await poolsToRoll(
      deps.store,
      record.flavor,
      record.target,
      record.targetGoldenImage,
    )) {
      if (admittedIds.has(pool.id)) continue;
      const rollout = await deps.rollouts.get(pool.id);
      entries.push({
        pool,
        rollout,
        canary: false,
        view: {
          poolId: pool.id,
          vms: vmsOf(pool, rollout),
          state: pool.state,
          observedGeneration: pool.observedGeneration,
          rolloutPhase: rollout?.phase,
        },
      });
    }
  }
  return entries;
}
