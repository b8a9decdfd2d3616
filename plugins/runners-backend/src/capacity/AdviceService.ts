import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  Advice,
  AdviceSources,
  FlavorCatalog,
  runnersFleetReadPermission,
  runnersPoolReadPermission,
  runnersPoolUpdatePermission,
} from '@runner-fleet/plugin-runners-common';
import { createHash } from 'node:crypto';
import { HistoryStore, HourRollup } from '../database/HistoryStore';
import { PoolRecord, PoolStore } from '../database/PoolStore';
import { UsageHour, UsageStore } from '../database/UsageStore';
import { PoolPermissions } from '../service/PoolPermissions';
import { PoolChange, PoolService } from '../service/PoolService';
import { AdviceDismissals } from './AdviceDismissals';
import {
  AdviceDraft,
  AdviceThresholds,
  DEFAULT_THRESHOLDS,
  flavorRule,
  idleRule,
  recurringWaitRule,
  ResourceUse,
} from './adviceRules';
import { rebalanceRule } from './rebalanceRule';
import { resourceUse } from './resourceUse';

const HOUR = 3_600_000;
/** Two weeks: every weekday hour seen ten times, and old enough habits drop out. */
const WINDOW_MS = 14 * 24 * HOUR;

/** Pools that run as approved: advice for a pool still waiting or going away helps nobody. */
const ADVISED_STATES = new Set(['provisioning', 'ready', 'degraded']);

/** A stable id for the same pool, kind and proposed change. */
function adviceId(poolId: string, draft: AdviceDraft): string {
  return createHash('sha256')
    .update(`${poolId}|${draft.kind}|${JSON.stringify(draft.change)}`)
    .digest('hex')
    .slice(0, 32);
}

/**
 * Right-sizing advice from the fleet history, per pool, with the reasoning shown; for the
 * platform view also fleet-level flavor rebalancing ({@link rebalanceRule}). Apply goes
 * through {@link PoolService.updatePool} (permissions, quota, approval, rollout) like any change
 * a user makes; dismiss is stored, so the same advice does not come back.
 */
export class AdviceService {
  readonly #history: HistoryStore;
  readonly #store: PoolStore;
  readonly #pools: PoolService;
  readonly #permissions: PoolPermissions;
  readonly #dismissals: AdviceDismissals;
  readonly #catalog: FlavorCatalog;
  readonly #thresholds: AdviceThresholds;
  readonly #usage?: UsageStore;
  readonly #usageConfigured: boolean;
  readonly #clock: () => number;

  static create(options: {
    history: HistoryStore;
    store: PoolStore;
    pools: PoolService;
    permissions: PoolPermissions;
    dismissals: AdviceDismissals;
    catalog: FlavorCatalog;
    thresholds?: Partial<AdviceThresholds>;
    /**
     * CPU and memory use per pool and hour, as the usage task stored it; without it (no usage
     * source configured) the flavor rule stays silent.
     */
    usage?: UsageStore;
    /** Whether a usage source fills `usage` (`runners.usage`); the Capacity page says so. */
    usageConfigured?: boolean;
    clock?: () => number;
  }) {
    return new AdviceService(options);
  }

  private constructor(options: Parameters<typeof AdviceService.create>[0]) {
    this.#history = options.history;
    this.#store = options.store;
    this.#pools = options.pools;
    this.#permissions = options.permissions;
    this.#dismissals = options.dismissals;
    this.#catalog = options.catalog;
    this.#thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
    this.#usage = options.usage;
    this.#usageConfigured = options.usageConfigured ?? false;
    this.#clock = options.clock ?? Date.now;
  }

  /** What the rules say about one pool, its hours of history and its CPU/memory use. */
  adviseOn(
    pool: PoolRecord,
    hours: HourRollup[],
    fromMs: number,
    use?: ResourceUse,
  ): Advice[] {
    const t = this.#thresholds;
    // A pool that changed flavor is judged on the hours of its current flavor.
    const own = hours.filter(h => h.flavor === pool.flavor.name);
    if (own.length < t.minHours) return [];
    const drafts = [
      recurringWaitRule(pool, own, t),
      idleRule(pool, own, t),
      flavorRule(pool, use, this.#catalog.flavors, t),
    ].flatMap(d => (d ? [d] : []));
    return drafts.map(d => this.#advice(pool, d, own.length, fromMs));
  }

  /** What the fleet-level rule says about all pools and their hours of history. */
  adviseOnFleet(
    pools: PoolRecord[],
    byPool: Map<string, HourRollup[]>,
    fromMs: number,
  ): Array<{ advice: Advice; pool: PoolRecord }> {
    const byId = new Map(pools.map(p => [p.id, p]));
    return rebalanceRule(
      pools,
      byPool,
      this.#catalog.flavors,
      this.#thresholds,
    ).map(({ poolId, draft }) => {
      const pool = byId.get(poolId)!;
      const hours = (byPool.get(poolId) ?? []).filter(
        h => h.flavor === pool.flavor.name,
      ).length;
      return { advice: this.#advice(pool, draft, hours, fromMs), pool };
    });
  }

  #advice(
    pool: PoolRecord,
    draft: AdviceDraft,
    hours: number,
    fromMs: number,
  ): Advice {
    return {
      id: adviceId(pool.id, draft),
      poolId: pool.id,
      team: pool.team,
      poolName: pool.name,
      ...draft,
      basedOn: {
        from: new Date(fromMs).toISOString(),
        to: new Date(this.#clock()).toISOString(),
        hours,
      },
    };
  }

  /** Which data the advice can draw on. */
  sources(): AdviceSources {
    return {
      usage: this.#usageConfigured
        ? {
            configured: true,
            message:
              'CPU and memory use comes from Prometheus (runners.usage.prometheus), read hourly; flavor advice needs 72 hours of it.',
          }
        : {
            configured: false,
            message:
              "no usage source configured: advice says nothing about flavors until runners.usage.prometheus.url points at a Prometheus that scrapes KubeVirt's virt-handler",
          },
    };
  }

  /**
   * Open advice for the pools the caller may read (optionally of one team). Without a team, a
   * caller who may read the whole fleet also gets the fleet-level rebalancing advice.
   */
  async list(
    credentials: BackstageCredentials,
    filter: { team?: string } = {},
  ): Promise<Advice[]> {
    const all = await this.#compute(credentials, filter.team);
    const dismissed = await this.#dismissals.dismissed([
      ...new Set(all.map(a => a.advice.poolId)),
    ]);
    return all.map(a => a.advice).filter(a => !dismissed.has(a.id));
  }

  /** Applies an advice as its pool's change, as the caller; answers like `PATCH /pools/{id}`. */
  async apply(
    id: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<PoolChange> {
    const { advice, pool } = await this.#find(id, credentials);
    const { etag: _etag, ...change } = await this.#pools.updatePool(
      pool.id,
      {
        ...(advice.change.flavor ? { flavor: advice.change.flavor } : {}),
        ...(advice.change.autoscaling
          ? {
              autoscaling: {
                ...pool.spec.autoscaling,
                ...advice.change.autoscaling,
              },
            }
          : {}),
      },
      credentials,
    );
    return change;
  }

  /** Hides an advice for good; needs the right to change its pool. */
  async dismiss(
    id: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<void> {
    const { advice, pool } = await this.#find(id, credentials);
    await this.#permissions.assert(
      runnersPoolUpdatePermission,
      pool,
      credentials,
    );
    await this.#dismissals.dismiss({
      adviceId: advice.id,
      poolId: pool.id,
      by: credentials.principal.userEntityRef,
      at: this.#clock(),
    });
  }

  async #find(id: string, credentials: BackstageCredentials) {
    const found = (await this.#compute(credentials)).find(
      a => a.advice.id === id,
    );
    if (!found) {
      throw new NotFoundError(
        `advice '${id}' does not exist (any more): the pool changed or its history no longer calls for it; list the advice again`,
      );
    }
    return found;
  }

  async #compute(credentials: BackstageCredentials, team?: string) {
    const allowed = await this.#permissions.filter(
      runnersPoolReadPermission,
      credentials,
    );
    const running = (
      await this.#store.listPools(team ? { teams: [team] } : {})
    ).filter(p => ADVISED_STATES.has(p.state));
    const pools = running.filter(p => allowed(p));
    // Rebalancing weighs every flavor's demand: the platform view only, never a team's.
    const fleet =
      !team &&
      (await this.#permissions.allowsBasic(
        runnersFleetReadPermission,
        credentials,
      ));
    if (pools.length === 0 && !fleet) return [];
    const toMs = this.#clock();
    const fromMs = Math.floor((toMs - WINDOW_MS) / HOUR) * HOUR;
    // Only whole hours: the current one is still filling up.
    const hours = await this.#history.hours({
      fromMs,
      toMs: Math.floor(toMs / HOUR) * HOUR,
      team,
    });
    const byPool = new Map<string, HourRollup[]>();
    for (const h of hours) {
      const list = byPool.get(h.poolId) ?? [];
      list.push(h);
      byPool.set(h.poolId, list);
    }
    const usage = new Map<string, UsageHour[]>();
    for (const u of (await this.#usage?.hours({
      fromMs,
      toMs,
      poolIds: pools.map(p => p.id),
    })) ?? []) {
      const list = usage.get(u.poolId) ?? [];
      list.push(u);
      usage.set(u.poolId, list);
    }
    return [
      ...pools.flatMap(pool =>
        this.adviseOn(
          pool,
          byPool.get(pool.id) ?? [],
          fromMs,
          resourceUse(usage.get(pool.id) ?? [], pool.flavor.name),
        ).map(advice => ({
          advice,
          pool,
        })),
      ),
      ...(fleet ? this.adviseOnFleet(running, byPool, fromMs) : []),
    ];
  }
}
