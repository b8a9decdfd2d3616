/** CPU and memory one pool's VMs used during one hour, as shares of the flavor (0–1). */
export interface UsageHour {
  poolId: string;
  /** Start of the hour, epoch ms. */
  hour: number;
  /** Flavor the VMs ran: use of another flavor says nothing about the current one. */
  flavor: string;
  cpuP95: number;
  cpuMean: number;
  memoryP95: number;
  memoryMean: number;
  /** VM samples behind the figures. */
  samples: number;
}

/**
 * Hourly CPU and memory use per pool in the plugin database, shared by every replica. A write
 * of an hour already stored replaces it, so replicas (or a retried task) never count it twice.
 */
export interface UsageStore {
  /** Stores the hours; an hour already stored for the pool is replaced. */
  writeHours(hours: UsageHour[]): Promise<void>;
  /** Hours in [`fromMs`, `toMs`), optionally of some pools only. */
  hours(options: {
    fromMs: number;
    toMs: number;
    poolIds?: string[];
  }): Promise<UsageHour[]>;
  /** The latest hour stored (epoch ms), if any: where the next read continues. */
  latestHour(): Promise<number | undefined>;
  /** Deletes hours older than the hour history's retention; returns how many went. */
  prune(now: number): Promise<number>;
}
