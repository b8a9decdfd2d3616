/**
 * Resource use of one pool over a showback period, on one cluster role. Hours are summed from
 * the fleet history's per-minute samples (a VM counts for every minute it was sampled running).
 *
 * @public
 */
export interface UsageFigures {
  /** VM-hours on all clusters. */
  vmHours: number;
  /** vCPU-hours on the primary cluster. */
  vcpuHours: number;
  /** GiB-hours of memory on the primary cluster. */
  gibHours: number;
  /** vCPU-hours on the burst cluster. */
  burstVcpuHours: number;
  /** GiB-hours of memory on the burst cluster. */
  burstGibHours: number;
  /** Run time of the jobs that finished in the period, minutes. */
  jobMinutes: number;
  /** Jobs that finished in the period. */
  jobs: number;
  /** Priced with `runners.pricing`; absent when no pricing is configured. */
  cost?: number;
}

/**
 * One row of a showback: a pool with one flavor (a pool that changed flavor in the period has a
 * row per flavor).
 *
 * @public
 */
export interface ShowbackRow extends UsageFigures {
  team: string;
  poolId: string;
  poolName: string;
  flavor: string;
}

/**
 * Prices of one cluster, per hour, in the showback's currency.
 *
 * @public
 */
export interface ClusterPrice {
  cluster: string;
  role: 'primary' | 'burst';
  vcpuHour: number;
  gibHour: number;
}

/**
 * What teams used over a period, and what it cost (`GET /showback`).
 *
 * @public
 */
export interface Showback {
  /** Start of the period (inclusive, whole hour), ISO 8601. */
  from: string;
  /** End of the period (exclusive, whole hour), ISO 8601. */
  to: string;
  /** ISO 4217 code of every cost figure; absent without pricing. */
  currency?: string;
  prices: ClusterPrice[];
  rows: ShowbackRow[];
  teams: Array<UsageFigures & { team: string }>;
  flavors: Array<UsageFigures & { flavor: string }>;
  total: UsageFigures;
}

/**
 * A window of the week in which a pool keeps at least `minReplicas` VMs, rendered as a KEDA
 * `cron` trigger beside the pool's other triggers (KEDA takes the largest of them).
 *
 * @public
 */
export interface ScalingSchedule {
  /** Days of the week in cron's day-of-week syntax, 0 = Sunday: `1-5`, `0,6`, `*`. */
  days: string;
  /** First hour of the window, 0–23. */
  startHour: number;
  /** Hour the window ends (exclusive), 1–24, after `startHour`. */
  endHour: number;
  /** VMs to keep in the window; at most the pool's `maxReplicas`. */
  minReplicas: number;
  /** IANA time zone of the hours, e.g. `Europe/Berlin`. Default `UTC`. */
  timezone: string;
}

/**
 * Which data the advice can draw on (`GET /advice/sources`).
 *
 * @public
 */
export interface AdviceSources {
  /** CPU and memory use of the VMs; without it the advice says nothing about flavors. */
  usage: {
    configured: boolean;
    /** What it means, e.g. "no usage source configured: …". */
    message: string;
  };
}

/**
 * What an advice is about.
 *
 * - `schedule-min-replicas`: jobs wait at recurring hours → keep more VMs then.
 * - `lower-min-replicas`: the pool is mostly idle → keep fewer VMs, or scale to zero.
 * - `flavor-change`: jobs leave most CPU and memory unused, or run out of them.
 * - `flavor-rebalance`: fleet-level (platform view): the pool queues at its max while another
 *   flavor of the same OS idles → move the pool to that flavor, or raise its max replicas.
 *
 * @public
 */
export type AdviceKind =
  | 'schedule-min-replicas'
  | 'lower-min-replicas'
  | 'flavor-change'
  | 'flavor-rebalance';

/**
 * A change to a pool the history suggests, with the reasoning behind it. Applying it sends
 * `change` through the normal change path (`PATCH /pools/{id}`: permissions, quota, approval).
 *
 * @public
 */
export interface Advice {
  /** Stable for the same pool, kind and change; a dismissed id stays dismissed. */
  id: string;
  kind: AdviceKind;
  poolId: string;
  team: string;
  poolName: string;
  /** One line: what to change. */
  title: string;
  /** The evidence, in sentences, with the figures that triggered the advice. */
  reasoning: string[];
  /** The pool update that applies the advice. */
  change: {
    flavor?: string;
    autoscaling?: {
      minReplicas?: number;
      maxReplicas?: number;
      scaleToZero?: boolean;
      schedules?: ScalingSchedule[];
    };
  };
  /** The history the advice was computed from. */
  basedOn: { from: string; to: string; hours: number };
}
