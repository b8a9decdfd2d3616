import { ConflictError, NotFoundError } from '@backstage/errors';
import { poolReservation } from '@runner-fleet/plugin-runners-common';
import { PoolStore } from '../../database/PoolStore';
import { GoldenImageSource } from '../render';
import { RolloutRecord, RolloutStore } from '../../database/RolloutStore';

/**
 * Aborts a pool's rollout: writes the spec and flavor its VMs ran before the rollout back to the
 * pool (a change like any other, so the reconciler picks it up at once), and marks the rollout
 * as rolling back. The VMs already replaced are then replaced again, by VMs from the old
 * template, the same way: idle first, busy ones drained.
 *
 * A Windows pool also gets the golden image version it was pinned to back
 * (`stableGoldenImage`); a fleet rollout that moved the pin gives the previous one in
 * `options.goldenImage` instead (null: unpinned before).
 *
 * @throws ConflictError when no rollout is in progress, or the template before it is unknown.
 */
export async function abortRollout(
  deps: { store: PoolStore; rollouts: RolloutStore },
  poolId: string,
  actor: string,
  options: { goldenImage?: GoldenImageSource | null } = {},
): Promise<RolloutRecord> {
  const pool = await deps.store.getPool(poolId);
  if (!pool) throw new NotFoundError(`pool '${poolId}' does not exist`);
  const rollout = await deps.rollouts.get(poolId);
  if (!rollout || (rollout.phase !== 'rolling' && rollout.phase !== 'halted')) {
    throw new ConflictError(
      `pool '${pool.team}/${pool.name}' has no rollout in progress (${
        rollout?.phase ?? 'never rolled'
      }); there is nothing to abort`,
    );
  }
  const { stableSpec, stableFlavor, stableHash } = rollout;
  const goldenImage =
    options.goldenImage !== undefined
      ? options.goldenImage
      : rollout.stableGoldenImage;
  if (!stableSpec || !stableFlavor || !stableHash) {
    throw new ConflictError(
      `pool '${pool.team}/${pool.name}': the template before this rollout is not known (it began before the backend recorded one); change the pool back instead`,
    );
  }
  await deps.store.withTeam(pool.team, async tx => {
    const current = await tx.getPool(poolId);
    if (!current) throw new NotFoundError(`pool '${poolId}' does not exist`);
    const written = await tx.updatePool(
      poolId,
      current.version,
      {
        spec: stableSpec,
        flavor: stableFlavor,
        ...(goldenImage !== undefined ? { goldenImage } : {}),
        reserved: poolReservation(stableFlavor, stableSpec.autoscaling),
        pendingSpec: null,
        bumpGeneration: true,
      },
      {
        state: current.state,
        code: 'RolloutAborted',
        reason: `rollout aborted by ${actor}: returning to flavor ${stableFlavor.name} (${stableFlavor.image})`,
        actor,
      },
    );
    if (!written) {
      throw new ConflictError(
        `pool '${pool.team}/${pool.name}' changed meanwhile; look at it again and retry the abort`,
      );
    }
    await tx.enqueue(poolId);
  });
  const saved = await deps.rollouts.save(
    {
      ...rollout,
      phase: 'rolling-back',
      targetHash: stableHash,
      reason: 'Replacing',
      message: `rolling back: returning to the template of flavor ${stableFlavor.name}`,
    },
    rollout.version,
  );
  // A pass that won the race starts the way back by itself: the pool's spec is the old one now.
  return saved ?? (await deps.rollouts.get(poolId))!;
}
