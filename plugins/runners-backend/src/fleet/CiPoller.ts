import { LoggerService } from '@backstage/backend-plugin-api';
import { GitLabScope } from '@runner-fleet/plugin-runners-common';
import {
  CiJob,
  CiProvider,
  CiRunnerManager,
} from '@runner-fleet/plugin-runners-node';
import { PoolRecord } from '../database/PoolStore';

/** What the CI system last said about one pool. */
export interface CiPoolSnapshot {
  managers: CiRunnerManager[];
  /** Jobs running on the pool's runner. */
  running: CiJob[];
  /** Recently started jobs of the pool's runner (for queue waits). */
  recent: CiJob[];
  /** Pending jobs in the pool's scope that its runner could take. */
  pending: CiJob[];
  polledAt: number;
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

/**
 * Polls GitLab for runner managers, running and recent jobs per pool, and pending jobs per
 * scope, within a request budget per round. User requests read the snapshots, never GitLab.
 */
export class CiPoller {
  readonly #ci?: CiProvider;
  readonly #logger: LoggerService;
  readonly #budget: number;
  readonly #clock: () => number;
  readonly #snapshots = new Map<string, CiPoolSnapshot>();
  #cursor = 0;

  static create(options: {
    ci?: CiProvider;
    logger: LoggerService;
    requestsPerRound?: number;
    clock?: () => number;
  }) {
    return new CiPoller(options);
  }

  private constructor(options: Parameters<typeof CiPoller.create>[0]) {
    this.#ci = options.ci;
    this.#logger = options.logger;
    this.#budget = options.requestsPerRound ?? 200;
    this.#clock = options.clock ?? Date.now;
  }

  /**
   * One round. Pending jobs cost one request per scope; each pool costs three. When the budget
   * does not cover every pool, the next round continues where this one stopped.
   */
  async poll(pools: PoolRecord[]): Promise<void> {
    if (!this.#ci) return;
    const withRunner = pools.filter(p => p.gitlabRunnerId !== undefined);
    let spent = 0;
    const pendingByScope = new Map<string, CiJob[]>();
    for (const pool of withRunner) {
      const key = scopeKey(pool.spec.gitlab.scope);
      if (pendingByScope.has(key) || spent >= this.#budget) continue;
      try {
        pendingByScope.set(
          key,
          await this.#ci!.listPendingJobs(pool.spec.gitlab.scope),
        );
      } catch (error) {
        this.#logger.warn(
          `CI poller: pending jobs of ${key}: ${(error as Error).message}`,
        );
      }
      spent++;
    }
    const count = Math.min(
      withRunner.length,
      Math.max(0, Math.floor((this.#budget - spent) / 3)),
    );
    for (let i = 0; i < count; i++) {
      const pool = withRunner[(this.#cursor + i) % withRunner.length];
      await this.#pollPool(
        pool,
        pendingByScope.get(scopeKey(pool.spec.gitlab.scope)),
      );
    }
    this.#cursor = withRunner.length
      ? (this.#cursor + count) % withRunner.length
      : 0;
    const live = new Set(pools.map(p => p.id));
    for (const id of this.#snapshots.keys())
      if (!live.has(id)) this.#snapshots.delete(id);
  }

  async #pollPool(pool: PoolRecord, pending: CiJob[] | undefined) {
    const runnerId = pool.gitlabRunnerId!;
    if (!this.#ci) return;
    try {
      const [managers, running, recent] = await Promise.all([
        this.#ci.listManagers(runnerId),
        this.#ci.listJobs(runnerId, { status: 'running', limit: 100 }),
        this.#ci.listJobs(runnerId, { limit: 100 }),
      ]);
      const runner = {
        tags: pool.spec.gitlab.tags,
        runUntagged: pool.spec.gitlab.runUntagged,
      };
      this.#snapshots.set(pool.id, {
        managers,
        running,
        recent,
        pending: (
          pending ??
          this.#snapshots.get(pool.id)?.pending ??
          []
        ).filter(j => runnerTakes(runner, j.tags)),
        polledAt: this.#clock(),
      });
    } catch (error) {
      this.#logger.warn(
        `CI poller: pool ${pool.team}/${pool.name}: ${
          (error as Error).message
        }`,
      );
    }
  }

  snapshot(poolId: string): CiPoolSnapshot | undefined {
    return this.#snapshots.get(poolId);
  }
}
