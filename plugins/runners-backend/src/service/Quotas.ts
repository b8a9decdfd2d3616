import { ConflictError } from '@backstage/errors';
import { Quota, QuotaUsage } from '@runner-fleet/plugin-runners-common';
import { RunnersConfig } from '../config';
import { PoolStore, TeamTransaction } from '../database/PoolStore';

/** Whether a reservation fits a team's quota, and by how much it does not. */
export interface QuotaCheck {
  fits: boolean;
  /** What is over, one phrase each ("vCPU: 24 in use + 24 requested > limit 40"). */
  problems: string[];
  /** What is left before this request: limit minus use, never below 0. */
  headroom: { cpu: number; memoryGiB: number; pools: number };
}

/** What a request over quota reserves while it waits for approval. */
export const NOTHING_RESERVED = Object.freeze({ cpu: 0, memoryGiB: 0 });

/** "vCPU: … > limit 40; headroom 16 vCPU, 28 GiB, 9 pools", for requests and messages. */
export function describeOverQuota(check: QuotaCheck): string {
  const h = check.headroom;
  return `${check.problems.join('; ')}; headroom ${h.cpu} vCPU, ${
    h.memoryGiB
  } GiB, ${h.pools} pool${h.pools === 1 ? '' : 's'}`;
}

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
   * Checks `reservation` (replacing what `excludePoolId` reserves, for a change) against the
   * team's quota, inside the team's transaction.
   */
  async check(
    tx: TeamTransaction,
    team: string,
    reservation: { cpu: number; memoryGiB: number; storageGiB?: number },
    excludePoolId?: string,
  ): Promise<QuotaCheck> {
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
    return {
      fits: problems.length === 0,
      problems,
      headroom: {
        cpu: Math.max(0, limits.maxCpu - usage.cpu),
        memoryGiB: Math.max(0, limits.maxMemoryGiB - usage.memoryGiB),
        pools: Math.max(0, limits.maxPools - usage.pools),
      },
    };
  }

  /**
   * Throws a ConflictError that says what is over and what to do, when `reservation` (replacing
   * what `excludePoolId` reserves, for a change) does not fit the team's quota.
   */
  async assertFits(
    tx: TeamTransaction,
    team: string,
    reservation: { cpu: number; memoryGiB: number },
    excludePoolId?: string,
  ): Promise<void> {
    const { problems } = await this.check(tx, team, reservation, excludePoolId);
    if (problems.length) {
      throw new ConflictError(
        `quota of team '${team}' exceeded (${problems.join(
          '; ',
        )}); lower maxReplicas, pick a smaller flavor, delete a pool, or ask the platform team to raise the quota`,
      );
    }
  }
}
