import {
  Flavor,
  PoolSpec,
  PoolState,
} from '@runner-fleet/plugin-runners-common';
import type { GoldenImageSource } from '../provisioning/render/types';

/**
 * Where a pool's rolling replacement stands.
 * - `stable`: every VM runs the current template (or the pool has none).
 * - `rolling`: VMs with an outdated template are being replaced.
 * - `halted`: new VMs failed to boot or register in time; old VMs keep serving, nothing more is
 *   replaced until the pool changes again or the rollout is aborted.
 * - `rolling-back`: an abort wrote the last stable spec back; the new VMs are being replaced by
 *   ones from the old template.
 */
export type RolloutPhase = 'stable' | 'rolling' | 'halted' | 'rolling-back';

/**
 * Machine reason codes of a rollout; UIs and tests use these, never the message.
 *
 * @public
 */
export type RolloutReason =
  | 'UpToDate'
  | 'Complete'
  | 'Instant'
  | 'Aborted'
  | 'Replacing'
  | 'WaitingForNewVms'
  | 'WaitingForCapacity'
  | 'WaitingForDrain'
  | 'NewVmsFailedToBoot'
  | 'NewVmsNotRegistered';

/** One pool's rollout as stored. */
export interface RolloutRecord {
  poolId: string;
  /** Bumped by every write; every write is conditional on the version its writer read. */
  version: number;
  phase: RolloutPhase;
  reason: RolloutReason;
  message: string;
  /** The VM template hash the rollout moves to. */
  targetHash?: string;
  /** The template hash every VM ran when the pool last had no outdated VM. */
  stableHash?: string;
  /** The pool's spec and flavor at that time: what an abort restores. */
  stableSpec?: PoolSpec;
  stableFlavor?: Flavor;
  /** Windows: the golden image version the pool was pinned to then. */
  stableGoldenImage?: GoldenImageSource;
  /** Counts as of the last pass. */
  vms: { outdated: number; updated: number; draining: number };
  /** VMs this rollout has retired so far. */
  replaced: number;
  startedAt?: string;
  /** When a new VM last registered (or the rollout started): the halt deadline counts from it. */
  progressAt?: string;
  finishedAt?: string;
  updatedAt: string;
}

/** What a write sets (everything but the version and update time). */
export type RolloutWrite = Omit<RolloutRecord, 'version' | 'updatedAt'>;

/** An entry for the pool's timeline, recorded with the write. */
export interface RolloutEvent {
  /** The pool's state at the time (the timeline is a history of pool states). */
  state: PoolState;
  reason: string;
  actor?: string;
}

/**
 * Rollout state per pool, shared by backend replicas: a restart resumes a rollout from here.
 *
 * @public
 */
export interface RolloutStore {
  get(poolId: string): Promise<RolloutRecord | undefined>;
  list(): Promise<RolloutRecord[]>;
  /**
   * Writes the rollout if its version is still `expectedVersion` (undefined: only if no row
   * exists yet); returns undefined when another writer came first. `event` goes on the pool's
   * timeline in the same transaction.
   */
  save(
    record: RolloutWrite,
    expectedVersion: number | undefined,
    event?: RolloutEvent,
  ): Promise<RolloutRecord | undefined>;
}
