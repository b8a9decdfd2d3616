import { LoggerService } from '@backstage/backend-plugin-api';
import { Flavor } from '@runner-fleet/plugin-runners-common';
import { PoolStore } from '../../database/PoolStore';
import { UsageStore } from '../../database/UsageStore';
import { UsageSource } from './PrometheusUsageSource';

const HOUR = 3_600_000;
/** How far back a first run (or one after an outage) reads: a day of hours. */
const BACKFILL_MS = 24 * HOUR;

/**
 * The hourly usage task: reads CPU and memory use from the {@link UsageSource} and persists it
 * per pool and hour. It reads again from the latest hour it stored (that hour was still filling
 * up then), so every hour ends up complete; rewriting an hour replaces it, so a second replica
 * or a retried run does no harm.
 */
export class UsageCollector {
  readonly #source: UsageSource;
  readonly #usage: UsageStore;
  readonly #pools: PoolStore;
  readonly #flavors: Flavor[];
  readonly #logger: LoggerService;
  readonly #clock: () => number;

  static create(options: {
    source: UsageSource;
    usage: UsageStore;
    pools: PoolStore;
    /** The standard flavors; custom ones come from the pools that run them. */
    flavors: Flavor[];
    logger: LoggerService;
    clock?: () => number;
  }): UsageCollector {
    return new UsageCollector(options);
  }

  private constructor(options: Parameters<typeof UsageCollector.create>[0]) {
    this.#source = options.source;
    this.#usage = options.usage;
    this.#pools = options.pools;
    this.#flavors = options.flavors;
    this.#logger = options.logger;
    this.#clock = options.clock ?? Date.now;
  }

  /** Reads and stores the hours since the latest stored one; returns how many rows it wrote. */
  async collect(): Promise<number> {
    const now = this.#clock();
    const earliest = Math.floor((now - BACKFILL_MS) / HOUR) * HOUR;
    const latest = await this.#usage.latestHour();
    const fromMs = Math.max(earliest, latest ?? earliest);
    const vcpus = new Map(this.#flavors.map(f => [f.name, f.cpu]));
    for (const pool of await this.#pools.listPools()) {
      vcpus.set(pool.flavor.name, pool.flavor.cpu);
    }
    const hours = await this.#source.read({
      fromMs,
      toMs: now,
      vcpus: name => vcpus.get(name),
    });
    await this.#usage.writeHours(hours);
    this.#logger.debug(
      `usage: stored ${hours.length} pool-hours from ${new Date(
        fromMs,
      ).toISOString()}`,
    );
    return hours.length;
  }
}
