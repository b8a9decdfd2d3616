import {
  ApprovalReason,
  ApprovalRequest,
  ApprovalStatus,
  Flavor,
  Pool,
  PoolEvent,
  PoolSpec,
  PoolState,
} from '@runner-fleet/plugin-runners-common';

/** A pool as stored: the API view plus what the backend keeps to itself. */
export interface PoolRecord extends Pool {
  /** A spec change that waits for approval. */
  pendingSpec?: PoolSpec;
  /** What the pool reserves against its team's quota. */
  reserved: { cpu: number; memoryGiB: number };
  deletedAt?: string;
}

/** Fields a change may set on a pool. */
export interface PoolPatch {
  spec?: PoolSpec;
  pendingSpec?: PoolSpec | null;
  flavor?: Flavor;
  reserved?: { cpu: number; memoryGiB: number };
  bumpGeneration?: boolean;
  observedGeneration?: number;
  gitlabRunnerId?: number | null;
  deleted?: boolean;
}

/** A state change with the reason users see, recorded in the pool's history. */
export interface PoolTransition {
  state: PoolState;
  reason: string;
  actor?: string;
}

/** What a team's live pools reserve. */
export interface TeamUsage {
  cpu: number;
  memoryGiB: number;
  pools: number;
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

/** Operations that run inside one team-locked transaction, so quota checks cannot race. */
export interface TeamTransaction {
  usage(options?: { excludePoolId?: string }): Promise<TeamUsage>;
  findPool(name: string): Promise<PoolRecord | undefined>;
  getPool(id: string): Promise<PoolRecord | undefined>;
  insertPool(
    pool: Omit<
      PoolRecord,
      'generation' | 'observedGeneration' | 'createdAt' | 'updatedAt'
    >,
  ): Promise<PoolRecord>;
  updatePool(
    id: string,
    patch: PoolPatch,
    transition?: PoolTransition,
  ): Promise<PoolRecord>;
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
  /** Runs `fn` in a transaction that holds the team's lock. */
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
  updatePool(
    id: string,
    patch: PoolPatch,
    transition?: PoolTransition,
  ): Promise<PoolRecord>;
  listEvents(
    poolId: string,
    options?: { limit?: number },
  ): Promise<PoolEvent[]>;
  getRequest(id: string): Promise<ApprovalRequest | undefined>;
  listRequests(filter?: {
    teams?: string[];
    status?: ApprovalStatus;
  }): Promise<ApprovalRequest[]>;
}
