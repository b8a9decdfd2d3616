import { CiJob, CiProvider } from '@runner-fleet/plugin-runners-node';
import { PoolRecord } from '../database/PoolStore';
import { LiveObjects } from './liveObjects';
import { PassPool } from './PassPool';
import { PoolObjects } from './PoolObjects';
import type { StepHook } from './steps';

/** What a teardown pass did: finished, or waits for running jobs and wants to look again. */
export type TeardownResult =
  | { done: true; deleted: number }
  | { done: false; requeueAfterMs: number };

/**
 * Deletes a pool without cutting its jobs, in the order actions-runner-controller uses: the
 * GitLab runner is paused (no new jobs), running jobs finish within the drain period, then the
 * VMs and every other object go, and only then the runner registration — so a job never runs on
 * a runner that no longer exists. A platform member's "delete now" skips the wait and says
 * which jobs it cut.
 */
export class Teardown {
  readonly #ci: CiProvider;
  readonly #objects: PoolObjects;
  readonly #drainMs: number;
  readonly #pollMs: number;
  readonly #clock: () => Date;
  readonly #onStep: StepHook;

  constructor(options: {
    ci: CiProvider;
    objects: PoolObjects;
    /** How long running jobs may take to finish after a delete (the VMs' grace period). */
    drainSeconds: number;
    /** How often a draining pool looks at its jobs again. */
    drainPollMs: number;
    clock: () => Date;
    onStep: StepHook;
  }) {
    this.#ci = options.ci;
    this.#objects = options.objects;
    this.#drainMs = options.drainSeconds * 1000;
    this.#pollMs = options.drainPollMs;
    this.#clock = options.clock;
    this.#onStep = options.onStep;
  }

  async run(pass: PassPool, live: LiveObjects): Promise<TeardownResult> {
    const pool = pass.record;
    const running = await this.#pauseAndListRunning(pool);
    const deadline = this.#deadline(pool);
    if (running.length > 0 && !pool.deleteForce && this.#clock() < deadline) {
      await pass.transition({
        state: 'deleting',
        code: 'Draining',
        reason: `draining: the runner is paused and takes no new jobs; waiting for ${describeJobs(
          running,
        )} to finish (at most until ${deadline.toISOString()}), then the VMs and the runner are removed`,
      });
      return { done: false, requeueAfterMs: this.#pollMs };
    }
    if (running.length > 0) {
      const why = pool.deleteForce
        ? 'deleting now as a platform member asked'
        : 'the drain period is over';
      await pass.transition({
        state: 'deleting',
        code: 'CuttingJobs',
        reason: `${why}: cutting ${describeJobs(running)}`,
      });
    }
    const deleted = await this.#objects.deleteAll(pool, live);
    await this.#onStep('objects-deleted', pool.id);
    const runners = new Set<number>(
      pool.gitlabRunnerId !== undefined ? [pool.gitlabRunnerId] : [],
    );
    for (const runner of await this.#ci.listFleetRunners()) {
      if (runner.poolId === pool.id) runners.add(runner.id);
    }
    for (const id of runners) await this.#ci.deleteRunner(id);
    await this.#onStep('runner-deleted', pool.id);
    await pass.write(
      { deleted: true, gitlabRunnerId: null },
      {
        state: 'deleted',
        code: 'Deleted',
        reason: `removed ${deleted} cluster objects and ${runners.size} GitLab runner(s)`,
      },
    );
    return { done: true, deleted };
  }

  /** Pauses the pool's runner (once) and lists the jobs it still runs. */
  async #pauseAndListRunning(pool: PoolRecord): Promise<CiJob[]> {
    if (pool.gitlabRunnerId === undefined) return [];
    const runner = await this.#ci.getRunner(pool.gitlabRunnerId);
    if (!runner) return [];
    if (!runner.paused) await this.#ci.pauseRunner(runner.id);
    return this.#ci.listJobs(runner.id, { status: 'running' });
  }

  #deadline(pool: PoolRecord): Date {
    const asked = pool.deleteRequestedAt
      ? new Date(pool.deleteRequestedAt)
      : new Date(pool.updatedAt);
    return new Date(asked.getTime() + this.#drainMs);
  }
}

function describeJobs(jobs: CiJob[]): string {
  const ids = jobs
    .slice(0, 5)
    .map(j => `#${j.id}`)
    .join(', ');
  const more = jobs.length > 5 ? ` and ${jobs.length - 5} more` : '';
  return `${jobs.length} running job${
    jobs.length === 1 ? '' : 's'
  } (${ids}${more})`;
}
