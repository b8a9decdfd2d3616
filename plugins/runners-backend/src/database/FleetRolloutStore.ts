import { Flavor } from '@runner-fleet/plugin-runners-common';
import type { GoldenImageSource } from '../provisioning/render/types';

/**
 * Where a fleet rollout stands.
 * - `canary`: the canary pools are admitted; the rest waits until they are rolled and ready.
 * - `rolling`: the other pools are admitted in batches under the VM limit.
 * - `paused`: nothing more is admitted until resumed; admitted pools finish their own rollouts.
 * - `halted`: an admitted pool's own rollout halted; nothing more is admitted until resumed.
 * - `complete`: every pool of the flavor runs the new definition.
 * - `aborted`: admission stopped and the open rollouts of admitted pools were aborted.
 *
 * @public
 */
export type FleetRolloutPhase =
  | 'canary'
  | 'rolling'
  | 'paused'
  | 'halted'
  | 'complete'
  | 'aborted';

/**
 * Machine reason codes of a fleet rollout; UIs and tests use these, never the message.
 *
 * @public
 */
export type FleetRolloutReason =
  | 'Started'
  | 'CanaryRolling'
  | 'Admitting'
  | 'WaitingForPools'
  | 'PoolRolloutHalted'
  | 'Paused'
  | 'Complete'
  | 'Aborted';

/** A pool a fleet rollout admitted, with what an abort gives back. */
export interface AdmittedPool {
  poolId: string;
  /** The pool's flavor before admission. */
  previousFlavor: Flavor;
  /** Windows: the golden image version the pool was pinned to before admission. */
  previousGoldenImage?: GoldenImageSource;
  /** The generation admission wrote: the pool's rollout counts once this generation is observed. */
  generation: number;
  /** Admitted as one of the canary pools. */
  canary: boolean;
  admittedAt: string;
}

/** One fleet rollout as stored. */
export interface FleetRolloutRecord {
  id: string;
  /** Name of the catalog flavor rolled out. */
  flavor: string;
  /** The catalog's definition of the flavor when the rollout started. */
  target: Flavor;
  /**
   * Windows flavors: the golden image version the pools' pins move to (what the flavor's
   * DataSource named when the rollout started). Undefined for Linux flavors.
   */
  targetGoldenImage?: GoldenImageSource;
  phase: FleetRolloutPhase;
  /** The phase to go back to on resume (set while paused or halted). */
  resumePhase?: 'canary' | 'rolling';
  canaryPools: number;
  maxVmPercent: number;
  admitted: AdmittedPool[];
  reason: FleetRolloutReason;
  message: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Bumped by every write; every write is conditional on the version its writer read. */
  version: number;
}

/** What a write sets (everything but the id, version and times the store keeps). */
export type FleetRolloutWrite = Omit<
  FleetRolloutRecord,
  'id' | 'version' | 'createdAt' | 'updatedAt'
>;

/**
 * Fleet rollouts, shared by backend replicas: any replica advances them.
 *
 * @public
 */
export interface FleetRolloutStore {
  create(rollout: FleetRolloutWrite): Promise<FleetRolloutRecord>;
  get(id: string): Promise<FleetRolloutRecord | undefined>;
  /** Newest first; `open`: only those not complete or aborted. */
  list(filter?: { open?: boolean }): Promise<FleetRolloutRecord[]>;
  /**
   * Writes the rollout if its version is still `expectedVersion`; returns undefined when another
   * writer came first (the writer re-reads and decides again).
   */
  update(
    id: string,
    expectedVersion: number,
    write: FleetRolloutWrite,
  ): Promise<FleetRolloutRecord | undefined>;
}
