import { PoolReasonCode } from './poolReasons';
import { PoolState, RunnerOs } from './types';

/** p50, p90, p95 and p99 of a distribution; undefined when there are no samples. */
export interface Percentiles {
  p50?: number;
  p90?: number;
  /** Kept for older clients; the portal shows p50, p90 and p99. */
  p95?: number;
  p99?: number;
  samples: number;
}

/**
 * Runner managers by GitLab's definitions: online = contacted in the last 2 hours; stale = no
 * contact for more than 7 days, or never contacted and created more than 7 days ago; offline =
 * the rest.
 */
export interface RunnerCounts {
  online: number;
  offline: number;
  stale: number;
}

/** One VM of a pool, as the detail view shows it. */
export interface VmHealth {
  name: string;
  cluster: string;
  role: 'primary' | 'burst';
  phase: string;
  createdAt?: string;
  /** The runner manager registered by this VM, if any. */
  manager?: { status: string; contactedAt?: string; firstContactAt?: string };
  /** Jobs running on this VM now. */
  runningJobs: number[];
}

/** One entry of a pool's timeline. */
export interface FleetEvent {
  at: string;
  poolId?: string;
  team?: string;
  kind: 'state' | 'scale' | 'vm' | 'ghost' | 'error';
  message: string;
}

/**
 * How one pool is doing, as the fleet cache and the CI poller see it.
 *
 * @public
 */
export interface PoolHealth {
  poolId: string;
  team: string;
  name: string;
  state: PoolState;
  stateReason: string;
  /** The reason as a code to decide on. */
  stateCode: PoolReasonCode;
  flavor: string;
  os: RunnerOs;
  replicas: {
    desired: number;
    current: number;
    ready: number;
    min: number;
    max: number;
  };
  vmPhases: Record<string, number>;
  /** VMI created → runner manager first contact, seconds. */
  bootSeconds: Percentiles;
  utilization: {
    busySlots: number;
    totalSlots: number;
    /** busy / total now, 0–1; 0 when there are no slots. */
    now: number;
    avg1h?: number;
    avg24h?: number;
  };
  queue: { pending: number; waitSeconds: Percentiles };
  failedBoots: number;
  ghosts: { runners: number; managers: number; vms: number };
  scaler: {
    /** KEDA's Ready condition: it can read the metrics and scale the target. */
    ready?: boolean;
    /** KEDA's Active condition: there is demand (above the activation value). */
    active: boolean;
    desired?: number;
    atMax: boolean;
    lastScaleTime?: string;
  };
  burst: { enabled: boolean; replicas: number; ready: number };
  cost: {
    vcpuHours24h: number;
    gibHours24h: number;
    weighted24h: number;
    vcpuHours30d: number;
    gibHours30d: number;
    weighted30d: number;
  };
  /** When the numbers were last refreshed. */
  observedAt: string;
  /**
   * Age of the CI data (running and pending jobs, runner managers) behind these numbers, in
   * seconds; absent until GitLab was first read for the pool.
   */
  dataAgeSeconds?: number;
  /**
   * The pool's runner managers online, offline and stale (see {@link RunnerCounts}); absent
   * until GitLab was first read for the pool.
   */
  runners?: RunnerCounts;
  /** The clusters the pool uses, with what each lacks for its flavor's OS. */
  clusters?: ClusterApiHealth[];
}

/** A pool's health with its VMs and recent events, for the detail view. */
export interface PoolHealthDetail extends PoolHealth {
  vms: VmHealth[];
  events: FleetEvent[];
  /** Samples for charts: utilisation (0–1) and queue wait p95 (s) over the last 24 h. */
  history: Array<{
    at: string;
    utilization: number;
    busySlots: number;
    pending: number;
    waitP95?: number;
  }>;
}

/**
 * What one cluster serves of the APIs Runner Fleet needs, from its last discovery (at startup
 * and on every reconnect). `missing` says what to install.
 *
 * @public
 */
export interface ClusterApiHealth {
  name: string;
  role: 'primary' | 'burst';
  /** When discovery last answered (ISO 8601); absent before the first answer. */
  checkedAt?: string;
  /** Why the last discovery failed; absent when it answered. */
  error?: string;
  /** Served versions per API group Runner Fleet uses, e.g. `{ "pool.kubevirt.io": ["v1alpha1"] }`. */
  served: Record<string, string[]>;
  missing: Array<{
    /** `group/version`, or the acceptable ones as `a or b`. */
    apiVersion: string;
    kind: string;
    /** Which pools need it. */
    neededBy: 'all' | 'linux' | 'windows';
    /** What to install. */
    install: string;
  }>;
  /** The VirtualMachinePool version Windows pools are written in on this cluster. */
  vmPoolVersion: 'v1beta1' | 'v1alpha1';
}

/** A team's pools and totals. */
export interface TeamHealth {
  team: string;
  pools: PoolHealth[];
  /** Age of the oldest CI data among the team's pools, in seconds; absent when none was read. */
  dataAgeSeconds?: number;
  /** The clusters the team's pools use, with what each lacks for them. */
  clusters?: ClusterApiHealth[];
  totals: {
    vms: number;
    readyVms: number;
    busySlots: number;
    totalSlots: number;
    pending: number;
    weightedCost24h: number;
  };
}

/** Demand and capacity of one flavor across the fleet. */
export interface FlavorLoad {
  flavor: string;
  os: RunnerOs;
  pools: number;
  busySlots: number;
  totalSlots: number;
  pending: number;
}

/**
 * The whole fleet at a glance, for the platform team.
 *
 * @public
 */
export interface FleetSummary {
  teams: TeamHealth[];
  byFlavor: FlavorLoad[];
  ghosts: {
    runners: number;
    managers: number;
    vms: number;
    removedTotal: number;
  };
  failingPools: Array<{
    poolId: string;
    team: string;
    name: string;
    state: PoolState;
    reason: string;
    code: PoolReasonCode;
  }>;
  burst: { pools: number; replicas: number };
  cacheSynced: boolean;
  observedAt: string;
  /** Age of the oldest CI data in the fleet, in seconds; absent when none was read. */
  dataAgeSeconds?: number;
  /** Every configured cluster, with the APIs it serves and lacks. */
  clusters?: ClusterApiHealth[];
}

/**
 * What KEDA's metrics-api trigger reads for a pool. Values are totals across the pool; KEDA
 * divides by the per-VM target (AverageValue).
 *
 * @public
 */
export interface PoolScalingSignal {
  busyJobSlots: number;
  pendingJobs: number;
  /** What the burst pool should absorb: demand beyond the primary pool's maximum. */
  overflow: { busyJobSlots: number; pendingJobs: number };
  /** Age of the CI data these counts come from, in seconds; absent when none was read yet. */
  dataAgeSeconds?: number;
}
