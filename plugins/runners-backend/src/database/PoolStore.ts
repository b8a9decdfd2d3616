import {
  ApprovalReason,
  ApprovalRequest,
  ApprovalStatus,
  Flavor,
  Pool,
  PoolEvent,
  PoolSpec,
  PoolReasonCode,
  PoolState,
} from '@runner-fleet/plugin-runners-common';
import type { GoldenImageSource } from '../provisioning/render/types';

/** A pool as stored: the API view plus what the backend keeps to itself. */
export interface PoolRecord extends Pool {
  /** A spec change that waits for approval. */
  pendingSpec?: PoolSpec;
  /** What the pool reserves against its team's quota. */
  reserved: { cpu: number; memoryGiB: number };
  deletedAt?: string;
  /** Bumped by every write of the row; every write is conditional on the version its writer read. */
  version: number;
  /** When a delete was asked for: running jobs may drain until then plus the grace period. */
  deleteRequestedAt?: string;
  /** A platform member asked to delete now, cutting running jobs. */
  deleteForce?: boolean;
  /**
   * Windows: the golden image version the pool's VMs are cloned from (its DataSource's source
   * when pinned). Undefined for Linux pools and Windows pools not pinned yet.
   */
  goldenImage?: GoldenImageSource;
}

/** Fields a change may set on a pool. */
export interface PoolPatch {
  spec?: PoolSpec;
  pendingSpec?: PoolSpec | null;
  flavor?: Flavor;
  /** Pins the pool to a golden image version; null unpins it. */
  goldenImage?: GoldenImageSource | null;
  reserved?: { cpu: number; memoryGiB: number };
  bumpGeneration?: boolean;
  observedGeneration?: number;
  gitlabRunnerId?: number | null;
  /** Asks for the pool's deletion (drained, or at once when `force`). */
  deleteRequested?: { force: boolean };
  deleted?: boolean;
}

/** A state change with the reason users see, recorded in the pool's history. */
export interface PoolTransition {
  state: PoolState;
  reason: string;
  /** The reason as a code the portal decides on. */
  code: PoolReasonCode;
  actor?: string;
}

/** What a team's live pools reserve. */
export interface TeamUsage {
  cpu: number;
  memoryGiB: number;
  pools: number;
  /** Clone storage of the team's Windows pools at their maximum (see `poolReservation`). */
  storageGiB: number;
}

/** A new approval request. */
export interface NewApprovalRequest {
  poolId: string;
  team: string;
  poolName: string;
  reasons: ApprovalReason[];
  summary: string;
  requestedBy: string;
}

/** A pool to insert: the store sets generations, version and timestamps. */
export type NewPool = Omit<
  PoolRecord,
  'generation' | 'observedGeneration' | 'createdAt' | 'updatedAt' | 'version'
>;

/** Operations that run inside one team-locked transaction, so quota checks cannot race. */
export interface TeamTransaction {
  usage(options?: { excludePoolId?: string }): Promise<TeamUsage>;
  findPool(name: string): Promise<PoolRecord | undefined>;
  getPool(id: string): Promise<PoolRecord | undefined>;
  insertPool(pool: NewPool): Promise<PoolRecord>;
  /** Writes the pool if its version is still `expectedVersion`; undefined when it changed. */
  updatePool(
    id: string,
    expectedVersion: number,
    patch: PoolPatch,
    transition?: PoolTransition,
  ): Promise<PoolRecord | undefined>;
  /** Asks for a reconcile pass over the pool once this transaction commits. */
  enqueue(poolId: string): Promise<void>;
  insertRequest(request: NewApprovalRequest): Promise<ApprovalRequest>;
  cancelPendingRequests(
    poolId: string,
    actor: string,
    reason: string,
  ): Promise<void>;
  decideRequest(
    id: string,
    decision: { status: 'approved' | 'rejected'; by: string; reason?: string },
  ): Promise<ApprovalRequest>;
}

/**
 * Desired state of runner pools, approval requests and state history. Holds no secrets.
 *
 * @public
 */
export interface PoolStore {
  /**
   * Runs `fn` in a transaction that holds the team's lock (a row lock on PostgreSQL, so quota
   * and name checks hold across replicas; SQLite, the single-process default, serialises
   * writers by itself).
   */
  withTeam<T>(
    team: string,
    fn: (tx: TeamTransaction) => Promise<T>,
  ): Promise<T>;
  getPool(id: string): Promise<PoolRecord | undefined>;
  listPools(filter?: {
    teams?: string[];
    states?: PoolState[];
    includeDeleted?: boolean;
  }): Promise<PoolRecord[]>;
  /**
   * Writes the pool if its version is still `expectedVersion` (what the writer read), else
   * returns undefined: the writer re-reads and decides again. Throws NotFoundError for no pool.
   */
  updatePool(
    id: string,
    expectedVersion: number,
    patch: PoolPatch,
    transition?: PoolTransition,
  ): Promise<PoolRecord | undefined>;
  listEvents(
    poolId: string,
    options?: { limit?: number },
  ): Promise<PoolEvent[]>;
  /**
   * Deletes pool events older than `olderThan` and, per pool, all but the newest `keepPerPool`.
   * Returns how many went.
   */
  pruneEvents(options: {
    olderThan: Date;
    keepPerPool: number;
  }): Promise<number>;
  /**
   * Removes pools deleted (state `deleted`) before `deletedBefore`, with their events, requests
   * and queue rows. Returns how many pools went.
   */
  pruneDeletedPools(options: { deletedBefore: Date }): Promise<number>;
  getRequest(id: string): Promise<ApprovalRequest | undefined>;
  listRequests(filter?: {
    teams?: string[];
    status?: ApprovalStatus;
  }): Promise<ApprovalRequest[]>;
}
