/** Upper bounds (seconds) of the queue-wait histogram bins; a last bin holds longer waits. */
export const WAIT_BINS = [5, 10, 30, 60, 120, 300, 600, 1800] as const;

/** Queue waits and run times of the jobs of one pool in one bucket. */
export interface JobFigures {
  /** Jobs that finished in the bucket. */
  finished: number;
  /** Run time of those jobs, seconds. */
  jobSeconds: number;
  /**
   * Of those, jobs cut because their runner went away under them (a VM stopped before its
   * drain finished): GitLab fails them with `runner_system_failure`, or, once their runner
   * stops updating them for an hour, `stuck_or_timeout_failure`.
   */
  interrupted: number;
  /** Jobs that started in the bucket (their queue wait is known). */
  started: number;
  waitSecondsSum: number;
  waitSecondsMax: number;
  /** Counts per {@link WAIT_BINS} bin, one more for longer waits. */
  waitHistogram: number[];
  /** Nearest-rank p95 of the waits, when any job started. */
  waitP95?: number;
}

/** One pool's load during one minute, as the sampler saw it. */
export interface MinuteSample {
  poolId: string;
  /** Any time in the minute (epoch ms); the store keys the row by the minute's start. */
  at: number;
  team: string;
  poolName: string;
  flavor: {
    name: string;
    os: string;
    cpu: number;
    memoryGiB: number;
    costWeight: number;
  };
  /** VMs on the primary cluster. */
  vms: number;
  burstVms: number;
  busySlots: number;
  totalSlots: number;
  pending: number;
  jobs: JobFigures;
}

/** Sums over a window for one pool: what utilisation, cost and showback are made of. */
export interface HistoryTotals {
  poolId: string;
  vmSeconds: number;
  burstVmSeconds: number;
  vcpuSeconds: number;
  gibSeconds: number;
  weightedVmSeconds: number;
  busySlotSeconds: number;
  totalSlotSeconds: number;
  jobsFinished: number;
  jobSeconds: number;
  /** Jobs cut because their runner went away (see {@link JobFigures.interrupted}). */
  jobsInterrupted: number;
}

/** One bucket of a pool's load chart. */
export interface HistoryPoint {
  /** Start of the bucket, epoch ms. */
  at: number;
  busySlotSeconds: number;
  totalSlotSeconds: number;
  /** Largest busy-slot sample in the bucket. */
  busySlotsMax: number;
  pendingMax: number;
  waitP95?: number;
}

/** One pool-hour of the rollup, for showback and advice. */
export interface HourRollup extends HistoryTotals {
  /** Start of the hour, epoch ms. */
  hour: number;
  team: string;
  poolName: string;
  flavor: string;
  os: string;
  vcpuPerVm: number;
  memoryGiBPerVm: number;
  minutes: number;
  vmsMax: number;
  busySlotsMax: number;
  pendingMax: number;
  jobsStarted: number;
  waitSecondsSum: number;
  waitSecondsMax: number;
  waitHistogram: number[];
  waitP95?: number;
}

/**
 * Fleet history in the plugin database, shared by every replica and kept across restarts:
 * one-minute samples (48 h) rolled up into hours (90 days). Writes are idempotent per pool and
 * bucket, so two replicas writing the same minute never count it twice.
 */
export interface HistoryStore {
  /**
   * Stores the samples (one row per pool and minute, a later write of the same minute replaces
   * the earlier) and recomputes the hourly rollups of the pools and hours touched.
   */
  writeMinutes(samples: MinuteSample[]): Promise<void>;
  /**
   * Replaces the job figures of minutes already stored (jobs that finished or started after the
   * minute's sample was taken); minutes never sampled stay absent.
   */
  updateJobs(
    updates: Array<{ poolId: string; at: number; jobs: JobFigures }>,
  ): Promise<void>;
  /** Recomputes the hourly rollups of the hours from `sinceMs` for every pool with minutes. */
  rollup(sinceMs: number): Promise<number>;
  /**
   * Sums per pool over [`sinceMs`, now): minutes for the partial hour at the start of the
   * window, hourly rollups after it.
   */
  totals(sinceMs: number): Promise<Map<string, HistoryTotals>>;
  /** A pool's load since `sinceMs` in buckets of `stepMs` (a multiple of one minute). */
  series(
    poolId: string,
    sinceMs: number,
    stepMs: number,
  ): Promise<HistoryPoint[]>;
  /** Hourly rollups in [`fromMs`, `toMs`), optionally of one team. */
  hours(options: {
    fromMs: number;
    toMs: number;
    team?: string;
  }): Promise<HourRollup[]>;
  /** Deletes minutes and hours older than their retention; returns how many rows went. */
  prune(now: number): Promise<{ minutes: number; hours: number }>;
}
