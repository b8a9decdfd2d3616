import { ConflictError, NotFoundError } from '@backstage/errors';
import { Flavor, poolReservation } from '@runner-fleet/plugin-runners-common';
import { PoolStore } from '../database/PoolStore';
import { GoldenImageSource } from '../provisioning/render';
import { describeGoldenImage } from '../provisioning/goldenImagePin';

/**
 * Writes `flavor` (and for Windows, the golden image version to pin) to a pool for a fleet rollout (admission, or an abort giving the previous one
 * back) through the conditional pool write: its generation bumped, the change on its timeline,
 * a reconcile pass queued.
 *
 * @throws ConflictError when the pool changed meanwhile (the fleet rollout's next step decides anew)
 */
export async function writePoolFlavor(
  deps: { store: PoolStore; onChange: (poolId: string) => void },
  change: {
    poolId: string;
    team: string;
    flavor: Flavor;
    /** The pin to write; null unpins (the next pass pins the DataSource's current source). */
    goldenImage?: GoldenImageSource | null;
    why: string;
    actor: string;
  },
): Promise<void> {
  const { poolId, team, flavor, goldenImage, why, actor } = change;
  const version = goldenImage
    ? ` at golden image version ${describeGoldenImage(goldenImage)}`
    : '';
  await deps.store.withTeam(team, async tx => {
    const current = await tx.getPool(poolId);
    if (!current) throw new NotFoundError(`pool '${poolId}' does not exist`);
    const written = await tx.updatePool(
      poolId,
      current.version,
      {
        flavor,
        ...(goldenImage !== undefined ? { goldenImage } : {}),
        reserved: poolReservation(flavor, current.spec.autoscaling),
        bumpGeneration: true,
      },
      {
        state: current.state,
        code: 'ApplyingChange',
        reason: `${why}: flavor ${flavor.name} takes image ${
          flavor.image
        }${version} (generation ${current.generation + 1})`,
        actor,
      },
    );
    if (!written) {
      throw new ConflictError(
        `pool '${current.team}/${current.name}' changed meanwhile`,
      );
    }
    await tx.enqueue(poolId);
  });
  deps.onChange(poolId);
}
