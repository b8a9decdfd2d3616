import { PoolReasonCode } from './poolReasons';
import type { ScalingSchedule } from './capacity';

/** Operating system of a runner VM. */
export type RunnerOs = 'linux' | 'windows';

/**
 * A machine shape for runner VMs. Standard flavors come from config; a custom flavor is a
 * team-specific shape inside the configured bounds.
 *
 * @public
 */
export interface Flavor {
  /** Unique name, e.g. `m1.large`; custom flavors are named `custom-<cpu>c<memory>g`. */
  name: string;
  /** Human-readable description shown in the portal. */
  description?: string;
  os: RunnerOs;
  /** Virtual CPUs per VM. */
  cpu: number;
  /** Memory per VM in GiB. */
  memoryGiB: number;
  /** Disk per VM in GiB. */
  diskGiB: number;
  /**
   * Linux: a containerDisk image reference. Windows: the golden image, as
   * `<namespace>/<DataSource name>`.
   */
  image: string;
  /** Jobs one VM runs at once (gitlab-runner `concurrent`). */
  jobSlots: number;
  /** Relative hourly cost of one VM; m1.large is 1. */
  costWeight: number;
  /** True for a team-specific shape. */
  custom?: boolean;
}

/** The shape a team asks for when no standard flavor fits. */
export interface CustomFlavorRequest {
  os: RunnerOs;
  cpu: number;
  memoryGiB: number;
  diskGiB: number;
  jobSlots?: number;
}

/** Where the pool's GitLab runner is registered. */
export type GitLabScope =
  | { type: 'instance' }
  | { type: 'group'; path: string }
  | { type: 'project'; path: string };

/** How a pool scales. */
export interface AutoscalingSpec {
  minReplicas: number;
  maxReplicas: number;
  /** Share of job slots that should be busy, above 0 and at most 1. Default 0.3. */
  targetUtilization: number;
  /** Scale to zero VMs when no job is running or pending. */
  scaleToZero: boolean;
  /** Overflow to the burst cluster when the primary pool is at its maximum. */
  burst: boolean;
  /** Extra VMs the burst pool may add at most. */
  burstMaxReplicas?: number;
  /** Hours of the week with more VMs kept ready (KEDA cron triggers); see capacity advice. */
  schedules?: ScalingSchedule[];
}

/** GitLab side of a pool. */
export interface GitLabRunnerSpec {
  scope: GitLabScope;
  tags: string[];
  runUntagged: boolean;
}

/**
 * What a team asks for: the desired state of a runner pool.
 *
 * @public
 */
export interface PoolSpec {
  /** The owning team, a catalog Group name in the default namespace. */
  team: string;
  /** Pool name, unique per team; a DNS label. */
  name: string;
  description?: string;
  /** Why the team needs the pool, for the approver; at most {@link MAX_REASON_LENGTH} characters. */
  reason?: string;
  /** A standard flavor name, or a custom shape. */
  flavor: string | CustomFlavorRequest;
  autoscaling: AutoscalingSpec;
  gitlab: GitLabRunnerSpec;
}

/** Lifecycle of a pool. */
export type PoolState =
  | 'pending-approval'
  | 'rejected'
  | 'provisioning'
  | 'ready'
  | 'degraded'
  | 'failed'
  | 'deleting'
  | 'deleted';

/**
 * A runner pool as the API returns it. Never carries the runner token.
 *
 * @public
 */
export interface Pool {
  id: string;
  team: string;
  name: string;
  spec: PoolSpec;
  /** The resolved flavor (a custom request becomes a custom flavor). */
  flavor: Flavor;
  state: PoolState;
  /** Why the pool is in its state, in words a user understands. */
  stateReason: string;
  /** Why the pool is in its state, as a code to decide on (see {@link POOL_REASON_CODES}). */
  stateCode: PoolReasonCode;
  /** Bumped on every spec change; the reconciler reports the one it applied. */
  generation: number;
  observedGeneration: number;
  /** The GitLab runner id, once registered. */
  gitlabRunnerId?: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** Per-team limits. A pool reserves its maximum size (primary cluster) against them. */
export interface Quota {
  maxCpu: number;
  maxMemoryGiB: number;
  maxPools: number;
  /**
   * Clone storage (the Windows VMs' disks, persistent volume claims) in GiB; rendered as the
   * team ResourceQuota's `requests.storage`. Absent: not limited.
   */
  maxStorageGiB?: number;
}

/** A team's quota and what its pools reserve. */
export interface QuotaUsage {
  team: string;
  limits: Quota;
  used: {
    cpu: number;
    memoryGiB: number;
    pools: number;
    /** Clone storage the team's Windows pools reserve at their maximum, GiB. */
    storageGiB?: number;
  };
}

/** Status of a request that waits for approval. */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

/**
 * Why a change needs a platform approver. `not-yet-approved`: a change to a pool that still
 * waits for approval, or was rejected, goes back to the platform team whatever it asks for.
 */
export type ApprovalReason =
  | 'custom-flavor'
  | 'over-quota'
  | 'not-yet-approved';

/**
 * A change to a pool that waits for the platform team.
 *
 * @public
 */
export interface ApprovalRequest {
  id: string;
  poolId: string;
  team: string;
  poolName: string;
  reasons: ApprovalReason[];
  /** What is asked for, in words ("custom flavor 24 vCPU / 64 GiB above the approval threshold"). */
  summary: string;
  status: ApprovalStatus;
  requestedBy: string;
  requestedAt: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionReason?: string;
}

/**
 * A pool's rolling replacement of VMs after a template change (flavor, image, runner config).
 * UIs and tests decide on `phase` and `reason`, never on `message`.
 *
 * @public
 */
export interface PoolRollout {
  poolId: string;
  /** `stable`: every VM runs the current template; `halted`: waits for a fix or an abort. */
  phase: 'stable' | 'rolling' | 'halted' | 'rolling-back';
  /**
   * Machine reason: UpToDate, Complete, Instant, Aborted, Replacing, WaitingForNewVms,
   * WaitingForCapacity, WaitingForDrain, NewVmsFailedToBoot, NewVmsNotRegistered.
   */
  reason: string;
  /** What a person reads: counts and why the rollout waits. */
  message: string;
  /** VMs by template as of the last pass. */
  vms: {
    /** Running the outdated template, not yet retired. */
    outdated: number;
    /** Running the new template and registered with GitLab. */
    updated: number;
    /** Retired: finishing their jobs before they stop. */
    draining: number;
  };
  /** VMs this rollout has retired so far. */
  replaced: number;
  startedAt?: string;
  finishedAt?: string;
  updatedAt?: string;
}

/**
 * One pool of a fleet rollout: `waiting` (not admitted yet), `rolling`, `done` (rolled and
 * ready) or `halted` (its own rollout halted).
 *
 * @public
 */
export interface FleetRolloutPool {
  poolId: string;
  team?: string;
  name?: string;
  status: 'waiting' | 'rolling' | 'done' | 'halted';
  /** Admitted as a canary, before the others. */
  canary: boolean;
  /** VMs on the previous definition and on the new one. */
  vms: { old: number; new: number };
  /** What the pool's own rollout says. */
  message?: string;
}

/**
 * The catalog's current definition of a flavor rolled out across the pools of that flavor. UIs
 * and tests decide on `phase` and `reason`, never on `message`.
 *
 * @public
 */
export interface FleetRollout {
  id: string;
  flavor: string;
  /** The image the definition rolls out. */
  image: string;
  phase: 'canary' | 'rolling' | 'paused' | 'halted' | 'complete' | 'aborted';
  reason:
    | 'Started'
    | 'CanaryRolling'
    | 'Admitting'
    | 'WaitingForPools'
    | 'PoolRolloutHalted'
    | 'Paused'
    | 'Complete'
    | 'Aborted';
  /** Why it waits, in words. */
  message: string;
  canaryPools: number;
  maxVmPercent: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  pools: FleetRolloutPool[];
  progress: { pools: number; poolsDone: number; vms: number; vmsNew: number };
}

/**
 * What a fleet rollout starts with.
 *
 * @public
 */
export interface FleetRolloutInput {
  /** A catalog flavor's name. */
  flavor: string;
  /** Pools rolled first, smallest first; default 1. */
  canaryPools?: number;
  /** Share of the affected pools' VMs in pools still rolling; default 25. */
  maxVmPercent?: number;
}

/** One entry of a pool's state history. */
export interface PoolEvent {
  poolId: string;
  at: string;
  state: PoolState;
  reason: string;
  /** The reason as a code to decide on. */
  code: PoolReasonCode;
  actor?: string;
}
