import { toError } from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import { GitLabScope } from '@runner-fleet/plugin-runners-common';
import {
  CiJob,
  CiProvider,
  CiRunnerManager,
} from '@runner-fleet/plugin-runners-node';
import type { RequestBudget } from '../ci/GitLabBudget';
import { PoolRecord } from '../database/PoolStore';

/**
 * What the CI system last said about one pool. New per-pool facts (e.g. managers per VM for a
 * rollout) go in as optional fields, so readers that do not know them keep working.
 */
export interface CiPoolSnapshot {
  /** The GitLab runner these facts are about. */
  runnerId: number;
  managers: CiRunnerManager[];
  /** Jobs running on the pool's runner. */
  running: CiJob[];
  /** Recently started jobs of the pool's runner (for queue waits). */
  recent: CiJob[];
  /** Pending jobs in the pool's scope that its runner could take. */
  pending: CiJob[];
  /** When the pool's own data (managers, running and recent jobs) was read. */
  polledAt: number;
  /** When the scope's pending jobs were read; undefined until the scope's first round. */
  pendingPolledAt?: number;
  /** GitLab answered 404 for the pool's runner: it was deleted behind our back. */
  runnerMissing?: boolean;
}

/**
 * How old a snapshot is, in ms: its oldest part decides, since the scaling signal combines
 * running jobs (pool data) with pending jobs (scope data).
 */
export function snapshotAgeMs(snapshot: CiPoolSnapshot, now: number): number {
  return Math.max(
    0,
    now - Math.min(snapshot.polledAt, snapshot.pendingPolledAt ?? Infinity),
  );
}

/** Whether a runner with these tags takes a job with `jobTags`. */
export function runnerTakes(
  runner: { tags: string[]; runUntagged: boolean },
  jobTags: string[],
): boolean {
  if (jobTags.length === 0) return runner.runUntagged;
  return jobTags.every(t => runner.tags.includes(t));
}

const scopeKey = (scope: GitLabScope) =>
  scope.type === 'instance' ? 'instance' : `${scope.type}:${scope.path}`;

/** Share of the GitLab budget the poller plans with; the rest is the reconciler's and sweeper's. */
export const POLLER_SHARE = 0.8;
/**
 * Pending-job reads (`GET /projects/:id/jobs`) per minute at most: GitLab's application limiter
 * allows 600 per minute per user on that endpoint (`jobs_index`), whatever the overall budget.
 */
export const PENDING_READS_PER_MINUTE = 500;

type PoolData = Omit<CiPoolSnapshot, 'pending' | 'pendingPolledAt'>;
type ScopeData = { jobs: CiJob[]; polledAt: number };

/**
 * Polls GitLab for runner managers, running and recent jobs per pool, and pending jobs per
 * scope. Each round spends at most its share of the GitLab budget, counted as requests are
 * made; pools and scopes each have a round-robin cursor, so every pool and scope is read in
 * turn however large the fleet. User requests read the snapshots, never GitLab.
 */
export class CiPoller {
  readonly #ci?: CiProvider;
  readonly #logger: LoggerService;
  readonly #budget?: RequestBudget;
  readonly #roundBudget: number;
  readonly #pendingBudget: number;
  readonly #clock: () => number;
  readonly #pools = new Map<string, PoolData>();
  readonly #scopes = new Map<string, ScopeData>();
  /** The pools as of the last round: their scope and tags pick their pending jobs. */
  #records = new Map<string, PoolRecord>();
  #poolCursor = 0;
  #scopeCursor = 0;
  #lastRound = { requests: 0, pools: 0, scopes: 0 };

  static create(options: {
    ci?: CiProvider;
    logger: LoggerService;
    /** The shared GitLab budget; without it each provider call counts as one request. */
    budget?: RequestBudget;
    /** Seconds between rounds (the refresh task's frequency). Default 15. */
    roundSeconds?: number;
    /** Overrides the round's request budget derived from `budget`. */
    requestsPerRound?: number;
    clock?: () => number;
  }) {
    return new CiPoller(options);
  }

  private constructor(options: Parameters<typeof CiPoller.create>[0]) {
    this.#ci = options.ci;
    this.#logger = options.logger;
    this.#budget = options.budget;
    const roundMinutes = (options.roundSeconds ?? 15) / 60;
    // Without a budget (a custom CI provider) keep the former 800 calls per minute.
    const perMinute =
      (options.budget?.requestsPerMinute ?? 1000) * POLLER_SHARE;
    this.#roundBudget = Math.max(
      1,
      options.requestsPerRound ?? Math.floor(perMinute * roundMinutes),
    );
    this.#pendingBudget = Math.max(
      1,
      Math.min(
        Math.floor(this.#roundBudget / 2),
        Math.floor(PENDING_READS_PER_MINUTE * roundMinutes),
      ),
    );
    this.#clock = options.clock ?? Date.now;
  }

  /** Requests, pools and scopes of the last round. */
  get lastRound(): { requests: number; pools: number; scopes: number } {
    return this.#lastRound;
  }

  /**
   * One round within the round's budget. Pools and scopes take turns, whichever has spent less
   * this round going next, so neither starves the other; each side stops once it has read all
   * of its items, and pending reads stop at their own cap (GitLab's per-endpoint limit).
   */
  async poll(pools: PoolRecord[]): Promise<void> {
    if (!this.#ci) return;
    const withRunner = pools.filter(p => p.gitlabRunnerId !== undefined);
    const scopes = new Map<string, GitLabScope>();
    for (const p of withRunner)
      scopes.set(scopeKey(p.spec.gitlab.scope), p.spec.gitlab.scope);
    const scopeList = [...scopes.entries()];
    let poolSpent = 0;
    let scopeSpent = 0;
    let poolsDone = 0;
    let scopesDone = 0;
    const poolTurn = () => poolsDone < withRunner.length;
    const scopeTurn = () =>
      scopesDone < scopeList.length && scopeSpent < this.#pendingBudget;
    while (poolSpent + scopeSpent < this.#roundBudget) {
      const poolNext = poolTurn();
      const scopeNext = scopeTurn();
      if (!poolNext && !scopeNext) break;
      if (poolNext && (!scopeNext || poolSpent <= scopeSpent)) {
        const pool =
          withRunner[(this.#poolCursor + poolsDone) % withRunner.length];
        poolSpent += await this.#pollPool(pool);
        poolsDone++;
      } else {
        const [key, s] =
          scopeList[(this.#scopeCursor + scopesDone) % scopeList.length];
        scopeSpent += await this.#pollScope(key, s);
        scopesDone++;
      }
    }
    this.#poolCursor = withRunner.length
      ? (this.#poolCursor + poolsDone) % withRunner.length
      : 0;
    this.#scopeCursor = scopeList.length
      ? (this.#scopeCursor + scopesDone) % scopeList.length
      : 0;
    this.#lastRound = {
      requests: poolSpent + scopeSpent,
      pools: poolsDone,
      scopes: scopesDone,
    };
    this.#records = new Map(pools.map(p => [p.id, p]));
    for (const id of this.#pools.keys())
      if (!this.#records.has(id)) this.#pools.delete(id);
    for (const key of this.#scopes.keys())
      if (!scopes.has(key)) this.#scopes.delete(key);
  }

  /** Runs one read and returns the requests it cost (at least 1, also when it failed). */
  async #spend(work: () => Promise<void>): Promise<number> {
    if (!this.#budget) {
      await work();
      return 1;
    }
    const { requests } = await this.#budget.measure(work, { background: true });
    return Math.max(1, requests);
  }

  #pollScope(key: string, scope: GitLabScope): Promise<number> {
    return this.#spend(async () => {
      try {
        const jobs = await this.#ci!.listPendingJobs(scope);
        this.#scopes.set(key, { jobs, polledAt: this.#clock() });
      } catch (error) {
        this.#logger.warn(
          `CI poller: pending jobs of ${key} failed`,
          toError(error),
        );
      }
    });
  }

  #pollPool(pool: PoolRecord): Promise<number> {
    const runnerId = pool.gitlabRunnerId!;
    const ci = this.#ci!;
    return this.#spend(async () => {
      try {
        const [managers, running, recent] = await Promise.all([
          ci.listManagers(runnerId),
          ci.listJobs(runnerId, { status: 'running', limit: 100 }),
          ci.listJobs(runnerId, { limit: 100 }),
        ]);
        this.#pools.set(pool.id, {
          runnerId,
          managers,
          running,
          recent,
          polledAt: this.#clock(),
        });
      } catch (error) {
        if ((error as Error).name === 'NotFoundError') {
          // The runner is gone: say so, so the reconciler registers a new one.
          this.#pools.set(pool.id, {
            runnerId,
            managers: [],
            running: [],
            recent: [],
            polledAt: this.#clock(),
            runnerMissing: true,
          });
          return;
        }
        this.#logger.warn(
          `CI poller: pool ${pool.team}/${pool.name} failed`,
          toError(error),
        );
      }
    });
  }

  /** The pool's snapshot: its own data with its scope's pending jobs its runner takes. */
  snapshot(poolId: string): CiPoolSnapshot | undefined {
    const data = this.#pools.get(poolId);
    if (!data) return undefined;
    const pool = this.#records.get(poolId);
    const scope = pool && this.#scopes.get(scopeKey(pool.spec.gitlab.scope));
    if (!pool || !scope) return { ...data, pending: [] };
    const runner = {
      tags: pool.spec.gitlab.tags,
      runUntagged: pool.spec.gitlab.runUntagged,
    };
    return {
      ...data,
      pending: scope.jobs.filter(j => runnerTakes(runner, j.tags)),
      pendingPolledAt: scope.polledAt,
    };
  }

  /**
   * What the last round saw of the pool's recorded runner: `missing` when GitLab answered 404,
   * `present` when it listed its managers, `unknown` before the first read of this runner.
   */
  runnerState(pool: PoolRecord): 'present' | 'missing' | 'unknown' {
    const data = this.#pools.get(pool.id);
    if (!data || data.runnerId !== pool.gitlabRunnerId) return 'unknown';
    return data.runnerMissing ? 'missing' : 'present';
  }

  /** Age in seconds of the oldest snapshot among the given pools; undefined when none polled. */
  oldestAgeSeconds(
    pools: PoolRecord[],
    now = this.#clock(),
  ): number | undefined {
    let oldest: number | undefined;
    for (const pool of pools) {
      if (pool.gitlabRunnerId === undefined) continue;
      const s = this.snapshot(pool.id);
      // A pool never polled, or whose scope's pending jobs were never read, is as old as it
      // gets: count it from its creation.
      let age = now - new Date(pool.createdAt).getTime();
      if (s && s.pendingPolledAt !== undefined) age = snapshotAgeMs(s, now);
      oldest = Math.max(oldest ?? 0, age);
    }
    return oldest === undefined ? undefined : Math.round(oldest / 1000);
  }
}
