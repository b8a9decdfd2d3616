import { LIVE_POOL_STATES } from '@runner-fleet/plugin-runners-common';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterApiHealth,
  FleetEvent,
  FleetSummary,
  LABELS,
  PoolHealth,
  PoolHealthDetail,
  PoolScalingSignal,
  TeamHealth,
} from '@runner-fleet/plugin-runners-common';
import { HistoryStore } from '../database/HistoryStore';
import { PoolRecord, PoolStore } from '../database/PoolStore';
import { CiPoller } from './CiPoller';
import { CachedObject, FleetCache, WatchedKindKey } from './FleetCache';
import { GhostSweeper } from './GhostSweeper';
import { FleetHistory } from './FleetHistory';
import { byFlavor, failingPools, oldestAge, teamTotals } from './fleetRollup';
import {
  computePoolHealth,
  poolVms,
  PoolView,
  scalingSignal,
} from './poolHealth';

const MAX_EVENTS = 200;
/**
 * How old the pool list behind a health view may be. A state change the reconciler writes (on any
 * replica) shows within this; one made through this replica's API shows at once.
 */
export const CURRENT_POOLS_TTL_MS = 2000;

/**
 * Fleet health, per pool, team and fleet, served from memory: the watch cache, the CI poller's
 * snapshots and the last read of the persisted history. Refreshed by `refresh()` on every
 * replica; `recordHistory()` samples the fleet into the database on one replica.
 */
export class FleetService {
  readonly #store: PoolStore;
  readonly #cache: FleetCache;
  readonly #poller: CiPoller;
  readonly #history: FleetHistory;
  readonly #clusters: { primary: string; burst?: string };
  readonly #apis: ReadonlyArray<{ readonly report: ClusterApiHealth }>;
  readonly #logger: LoggerService;
  readonly #clock: () => number;
  readonly #events = new Map<string, FleetEvent[]>();
  #sweeper?: GhostSweeper;
  /** The last read of the live pools for health views, shared by requests. */
  #current?: { at: number; data: Promise<PoolRecord[]> };
  /** Pools as last loaded by refresh(), so reads do not touch the database. */
  #pools: PoolRecord[] = [];
  /** When refresh() last completed; the sampler never writes what this replica has not seen. */
  #refreshedAt?: number;
  /**
   * Health per pool as of the last refresh or watch event: fleet-wide views aggregate these
   * instead of recomputing 500 pools per request. A watch event for a pool drops its entry.
   */
  readonly #healthCache = new Map<
    string,
    { pool: PoolRecord; health: PoolHealth }
  >();

  static create(options: {
    store: PoolStore;
    cache: FleetCache;
    poller: CiPoller;
    /** The persisted fleet history every replica reads. */
    history: HistoryStore;
    clusters: { primary: string; burst?: string };
    /** Each cluster's served-API check, for the `clusters` fields of health. */
    apis?: ReadonlyArray<{ readonly report: ClusterApiHealth }>;
    logger: LoggerService;
    clock?: () => number;
  }) {
    return new FleetService(options);
  }

  private constructor(o: Parameters<typeof FleetService.create>[0]) {
    this.#store = o.store;
    this.#cache = o.cache;
    this.#poller = o.poller;
    this.#clusters = o.clusters;
    this.#apis = o.apis ?? [];
    this.#logger = o.logger;
    this.#clock = o.clock ?? Date.now;
    this.#history = FleetHistory.create({
      store: o.history,
      logger: o.logger,
    });
    this.#cache.onChange((cluster, kind, object, verb) =>
      this.#onObjectChange(cluster, kind, object, verb),
    );
  }

  attachSweeper(sweeper: GhostSweeper) {
    this.#sweeper = sweeper;
  }

  #onObjectChange(
    cluster: string,
    kind: WatchedKindKey,
    object: CachedObject,
    verb: string,
  ) {
    const poolId = object.metadata.labels?.[LABELS.pool];
    if (!poolId) return;
    const name = object.metadata.name;
    const status = (object.status ?? {}) as {
      phase?: string;
      replicas?: number;
    };
    let message: string | undefined;
    if (kind === 'vmis') {
      message =
        verb === 'delete'
          ? `VM ${name} removed`
          : `VM ${name} ${status.phase ?? 'Pending'}`;
    } else if (
      (kind === 'replicaSets' || kind === 'vmPools') &&
      verb !== 'delete'
    ) {
      const desired = (object.spec as { replicas?: number } | undefined)
        ?.replicas;
      if (desired !== undefined)
        message = `${name} on ${cluster}: scaled to ${desired} VMs`;
    }
    if (!message) return;
    const events = this.#events.get(poolId) ?? [];
    const last = events[events.length - 1];
    if (last?.message === message) return;
    events.push({
      at: new Date(this.#clock()).toISOString(),
      poolId,
      kind: kind === 'vmis' ? 'vm' : 'scale',
      message,
    });
    if (events.length > MAX_EVENTS)
      events.splice(0, events.length - MAX_EVENTS);
    this.#events.set(poolId, events);
  }

  /** Polls CI, re-reads the history sums when due and recomputes every pool's health. */
  async refresh(): Promise<void> {
    this.#pools = await this.#store.listPools({
      states: [...LIVE_POOL_STATES],
    });
    await this.#poller.poll(this.#pools);
    const now = this.#clock();
    await this.#history.load(now);
    this.#healthCache.clear();
    for (const pool of this.#pools) {
      this.#healthCache.set(pool.id, { pool, health: this.#health(pool, now) });
    }
    this.#refreshedAt = now;
  }

  /**
   * Writes this minute's sample of every pool to the shared history (the scheduler runs it on
   * one replica). Skipped until this replica's watch cache is synced and a refresh has seen the
   * fleet: a replica that just started would otherwise overwrite the minute with zeros.
   */
  async recordHistory(): Promise<void> {
    const now = this.#clock();
    if (
      !this.#cache.synced ||
      this.#refreshedAt === undefined ||
      now - this.#refreshedAt > 60_000
    ) {
      this.#logger.debug('fleet history: no current refresh, sample skipped');
      return;
    }
    await this.#history.record(
      now,
      [...this.#healthCache.values()].map(({ pool, health }) => ({
        pool,
        health,
        ci: this.#poller.snapshot(pool.id),
      })),
    );
  }

  /** Prunes the history past its retention (scheduled on one replica). */
  pruneHistory() {
    return this.#history.prune(this.#clock());
  }

  #view(poolId: string): PoolView {
    return {
      primary: this.#cache.poolObjects(this.#clusters.primary, poolId),
      burst: this.#clusters.burst
        ? this.#cache.poolObjects(this.#clusters.burst, poolId)
        : undefined,
    };
  }

  /**
   * The clusters' served-API reports; with `pools`, only the clusters those pools use and only
   * what their flavors' OSes need.
   */
  #clusterApis(pools?: PoolRecord[]): ClusterApiHealth[] {
    const reports = this.#apis.map(a => a.report);
    if (!pools) return reports;
    const os = new Set(pools.map(p => p.flavor.os));
    const burst = pools.some(p => p.spec.autoscaling.burst);
    return reports
      .filter(r => r.role === 'primary' || burst)
      .map(r => ({
        ...r,
        missing: r.missing.filter(
          m => m.neededBy === 'all' || os.has(m.neededBy),
        ),
      }));
  }

  #health(pool: PoolRecord, now = this.#clock()): PoolHealth {
    const health = computePoolHealth({
      pool,
      view: this.#view(pool.id),
      ci: this.#poller.snapshot(pool.id),
      history: this.#history.figures(pool.id),
      ghosts: { runners: 0, managers: 0, vms: 0 },
      now,
      clusters: this.#clusters,
    });
    return { ...health, clusters: this.#clusterApis([pool]) };
  }

  /** The pool's VMIs and DataVolumes on the primary cluster (why its VMs do not start). */
  primaryVmStatus(poolId: string) {
    const { primary } = this.#view(poolId);
    return { vmis: primary.vmis, dataVolumes: primary.dataVolumes };
  }

  /** Every VMI of a pool, across clusters (for the sweeper). */
  vmisOf(poolId: string) {
    const view = this.#view(poolId);
    return [
      ...view.primary.vmis.map(vmi => ({
        cluster: this.#clusters.primary,
        vmi,
      })),
      ...(view.burst?.vmis ?? []).map(vmi => ({
        cluster: this.#clusters.burst!,
        vmi,
      })),
    ];
  }

  poolHealth(pool: PoolRecord): PoolHealth {
    return this.#health(pool);
  }

  /** Health from the cache when it is current for this version of the pool, else computed. */
  #cachedHealth(pool: PoolRecord): PoolHealth {
    const cached = this.#healthCache.get(pool.id);
    if (
      cached &&
      cached.pool.updatedAt === pool.updatedAt &&
      cached.pool.state === pool.state
    ) {
      return cached.health;
    }
    const health = this.#health(pool);
    this.#healthCache.set(pool.id, { pool, health });
    return health;
  }

  async poolDetail(
    pool: PoolRecord,
    storeEvents: FleetEvent[],
  ): Promise<PoolHealthDetail> {
    const now = this.#clock();
    const chart = await this.#history.chart(pool.id, now);
    const events = [...storeEvents, ...(this.#events.get(pool.id) ?? [])]
      .sort((a, b) => a.at.localeCompare(b.at))
      .slice(-MAX_EVENTS);
    return {
      ...this.#health(pool, now),
      vms: poolVms(
        this.#view(pool.id),
        this.#poller.snapshot(pool.id),
        this.#clusters,
        pool.flavor.os,
      ),
      events,
      history: chart.map(p => ({
        at: new Date(p.at).toISOString(),
        utilization: p.totalSlotSeconds
          ? Math.round((p.busySlotSeconds / p.totalSlotSeconds) * 1000) / 1000
          : 0,
        busySlots: p.busySlotsMax,
        pending: p.pendingMax,
        waitP95: p.waitP95,
      })),
    };
  }

  scaling(pool: PoolRecord): PoolScalingSignal {
    return scalingSignal(
      pool,
      this.#view(pool.id),
      this.#poller.snapshot(pool.id),
      this.#clock(),
    );
  }

  /** Jobs of the pool cut by a runner VM going away in the last 24 h (for the metric). */
  jobsInterrupted24h(poolId: string): number {
    return this.#history.figures(poolId).day?.jobsInterrupted ?? 0;
  }

  /** Age in seconds of the oldest CI snapshot among the live pools (for the metric). */
  oldestDataAgeSeconds(): number | undefined {
    return this.#poller.oldestAgeSeconds(this.#pools, this.#clock());
  }

  /** Health of the given pools grouped by team. */
  teams(pools: PoolRecord[]): TeamHealth[] {
    const byTeam = new Map<string, PoolHealth[]>();
    const recordsByTeam = new Map<string, PoolRecord[]>();
    for (const pool of pools) {
      const list = byTeam.get(pool.team) ?? [];
      list.push(this.#cachedHealth(pool));
      byTeam.set(pool.team, list);
      recordsByTeam.set(pool.team, [
        ...(recordsByTeam.get(pool.team) ?? []),
        pool,
      ]);
    }
    return [...byTeam.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([team, list]) => ({
        team,
        pools: list,
        ...oldestAge(list),
        clusters: this.#clusterApis(recordsByTeam.get(team)),
        totals: teamTotals(list),
      }));
  }

  summary(pools: PoolRecord[]): FleetSummary {
    const teams = this.teams(pools);
    const all = teams.flatMap(t => t.pools);
    const sweep = this.#sweeper?.lastSweep;
    return {
      teams,
      byFlavor: byFlavor(all),
      ghosts: {
        runners: sweep?.ghostRunners ?? 0,
        managers: sweep?.ghostManagers ?? 0,
        vms: sweep?.unregisteredVms ?? 0,
        removedTotal: this.#sweeper?.removedTotal ?? 0,
      },
      failingPools: failingPools(all),
      burst: {
        pools: all.filter(p => p.burst.enabled).length,
        replicas: all.reduce((n, p) => n + p.burst.replicas, 0),
      },
      cacheSynced: this.#cache.synced,
      observedAt: new Date(this.#clock()).toISOString(),
      ...oldestAge(all),
      clusters: this.#clusterApis(),
    };
  }

  /**
   * The active pools as stored, read at most once per {@link CURRENT_POOLS_TTL_MS} however many
   * health requests come in (a read of every pool cost more than the whole cached health at
   * 2,000 pools), and at once after a change through this replica; no cluster or GitLab call.
   */
  currentPools(): Promise<PoolRecord[]> {
    const now = this.#clock();
    if (!this.#current || now - this.#current.at > CURRENT_POOLS_TTL_MS) {
      const data = this.#store.listPools({ states: [...LIVE_POOL_STATES] });
      const entry = { at: now, data };
      this.#current = entry;
      // A failed read is not cached: the next request tries again.
      data.catch(() => {
        if (this.#current === entry) this.#current = undefined;
      });
    }
    return this.#current.data;
  }

  /** A pool was changed through this replica: the next view reads the pools again. */
  poolChanged(): void {
    this.#current = undefined;
  }

  /** Pools as of the last refresh (no database read). */
  cachedPools(): PoolRecord[] {
    return this.#pools;
  }

  forget(poolId: string) {
    this.#history.forget(poolId);
    this.#events.delete(poolId);
    this.#logger.debug(`fleet: forgot pool ${poolId}`);
  }
}
