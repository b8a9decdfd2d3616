import { ConflictError } from '@backstage/errors';
import { Quota, QuotaUsage } from '@runner-fleet/plugin-runners-common';
import { RunnersConfig } from '../config';
import { PoolStore, TeamTransaction } from '../database/PoolStore';

/**
 * Team quotas. Checks run inside the team's transaction (a row lock on PostgreSQL), so two
 * requests on two replicas cannot both take the last capacity.
 */
export class Quotas {
  readonly #config: RunnersConfig;
  readonly #store: PoolStore;

  constructor(config: RunnersConfig, store: PoolStore) {
    this.#config = config;
    this.#store = store;
  }

  of(team: string): Quota {
    return this.#config.quotas.teams[team] ?? this.#config.quotas.default;
  }

  /** Teams with a quota of their own in config. */
  configuredTeams(): string[] {
    return Object.keys(this.#config.quotas.teams);
  }

  async usage(team: string): Promise<QuotaUsage> {
    const used = await this.#store.withTeam(team, tx => tx.usage());
    return { team, limits: this.of(team), used };
  }

  /**
   * Throws a ConflictError that says what is over and what to do, when `reservation` (replacing
   * what `excludePoolId` reserves, for a change) does not fit the team's quota.
   */
  async assertFits(
    tx: TeamTransaction,
    team: string,
    reservation: { cpu: number; memoryGiB: number; storageGiB?: number },
    excludePoolId?: string,
  ): Promise<void> {
    const usage = await tx.usage({ excludePoolId });
    const limits = this.of(team);
    const problems: string[] = [];
    if (usage.cpu + reservation.cpu > limits.maxCpu) {
      problems.push(
        `vCPU: ${usage.cpu} in use + ${reservation.cpu} requested > limit ${limits.maxCpu}`,
      );
    }
    if (usage.memoryGiB + reservation.memoryGiB > limits.maxMemoryGiB) {
      problems.push(
        `memory: ${usage.memoryGiB} GiB in use + ${reservation.memoryGiB} GiB requested > limit ${limits.maxMemoryGiB} GiB`,
      );
    }
    const storage = reservation.storageGiB ?? 0;
    if (
      limits.maxStorageGiB !== undefined &&
      storage > 0 &&
      usage.storageGiB + storage > limits.maxStorageGiB
    ) {
      problems.push(
        `clone storage: ${usage.storageGiB} GiB in use + ${storage} GiB requested > limit ${limits.maxStorageGiB} GiB`,
      );
    }
    if (!excludePoolId && usage.pools + 1 > limits.maxPools) {
      problems.push(
        `pools: ${usage.pools} of ${limits.maxPools} already exist`,
      );
    }
    if (problems.length) {
      throw new ConflictError(
        `quota of team '${team}' exceeded (${problems.join(
          '; ',
        )}); lower maxReplicas, pick a smaller flavor, delete a pool, or ask the platform team to raise the quota`,
      );
    }
  }
}
