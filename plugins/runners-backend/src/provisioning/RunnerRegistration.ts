import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CiProvider,
  CiRunnerSpec,
  fleetRunnerDescription,
} from '@runner-fleet/plugin-runners-node';
import { RunnersConfig } from '../config';
import { PoolRecord } from '../database/PoolStore';
import { ClusterClient } from './ClusterClient';
import { PassPool, PoolChangedError } from './PassPool';
import { poolObjectNames, renderPool, teamNamespace } from './render';
import { renderInputFor } from './renderInput';
import type { StepHook } from './steps';

/** What the CI poller last saw of a pool's recorded runner. */
export type RunnerStateSource = (
  pool: PoolRecord,
) => 'present' | 'missing' | 'unknown';

/** The CI-side registration a pool's spec asks for. */
export function runnerSpecOf(pool: PoolRecord): CiRunnerSpec {
  return {
    poolId: pool.id,
    team: pool.team,
    poolName: pool.name,
    scope: pool.spec.gitlab.scope,
    tags: pool.spec.gitlab.tags,
    runUntagged: pool.spec.gitlab.runUntagged,
  };
}

/**
 * A pool's GitLab runner and its token. The runner id is recorded before anything depends on
 * it; a runner created but not recorded (a crash, or a pass that lost a race) is found again by
 * the pool id in its description; a lost token is reset. The token lives only in the token
 * Secret on the primary cluster.
 */
export class RunnerRegistration {
  readonly #ci: CiProvider;
  readonly #primary: () => ClusterClient;
  readonly #config: RunnersConfig;
  readonly #logger: LoggerService;
  readonly #onStep: StepHook;
  readonly #runnerState: RunnerStateSource;

  constructor(options: {
    ci: CiProvider;
    primary: () => ClusterClient;
    config: RunnersConfig;
    logger: LoggerService;
    onStep: StepHook;
    /** What the CI poller last saw of a pool's runner; default: never seen. */
    runnerState?: RunnerStateSource;
  }) {
    this.#ci = options.ci;
    this.#primary = options.primary;
    this.#config = options.config;
    this.#logger = options.logger;
    this.#onStep = options.onStep;
    this.#runnerState = options.runnerState ?? (() => 'unknown');
  }

  /** Makes sure the pool has a GitLab runner matching its spec and returns its token. */
  async ensure(pass: PassPool): Promise<string> {
    const pool = pass.record;
    const spec = runnerSpecOf(pool);
    let runnerId = pool.gitlabRunnerId;
    // An idle pass costs GitLab nothing: the runner was brought to this generation's spec by
    // the pass that observed it, and whether it still exists comes from the CI poller's
    // snapshot. Edits made to the runner in GitLab itself are not reverted until the pool's
    // next change.
    if (
      runnerId !== undefined &&
      pool.observedGeneration === pool.generation &&
      this.#runnerState(pool) !== 'missing'
    ) {
      const stored = await this.readToken(pool);
      if (stored) return stored;
    }
    const existing =
      runnerId !== undefined ? await this.#ci.getRunner(runnerId) : undefined;
    if (runnerId !== undefined && !existing) {
      this.#logger.warn(
        `GitLab runner ${runnerId} of pool ${pool.team}/${pool.name} is gone; registering a new one`,
      );
      runnerId = undefined;
    }
    if (runnerId === undefined) return this.#register(pass);
    // Push tag, run-untagged and description changes; an unchanged runner costs no write.
    if (
      existing &&
      (!sameTags(existing.tags, spec.tags) ||
        (existing.runUntagged !== undefined &&
          existing.runUntagged !== spec.runUntagged) ||
        existing.description !== fleetRunnerDescription(spec))
    ) {
      await this.#ci.updateRunner(runnerId, spec);
    }
    const stored = await this.readToken(pool);
    if (stored) return stored;
    this.#logger.info(
      `token Secret of pool ${pool.team}/${pool.name} is missing; resetting the runner token`,
    );
    const token = await this.#ci.resetToken(runnerId);
    await this.#storeToken(pool, token);
    return token;
  }

  async #register(pass: PassPool): Promise<string> {
    const pool = pass.record;
    const orphan = (await this.#ci.listFleetRunners()).find(
      r => r.poolId === pool.id,
    );
    if (orphan) {
      // Created by a pass that crashed (or lost a race) before recording it: adopt it with a
      // fresh token, since its token was never stored.
      await pass.write({ gitlabRunnerId: orphan.id });
      await this.#onStep('runner-recorded', pool.id);
      const token = await this.#ci.resetToken(orphan.id);
      await this.#storeToken(pass.record, token);
      return token;
    }
    const created = await this.#ci.createRunner(runnerSpecOf(pool));
    await this.#onStep('runner-created', pool.id);
    try {
      await pass.write({ gitlabRunnerId: created.id });
    } catch (error) {
      if (error instanceof PoolChangedError) {
        // Someone changed the pool meanwhile (possibly deleted it): this runner is recorded
        // nowhere, so remove it now rather than leave a ghost for the sweeper.
        await this.#ci.deleteRunner(created.id);
      }
      throw error;
    }
    await this.#onStep('runner-recorded', pool.id);
    await this.#storeToken(pass.record, created.token);
    return created.token;
  }

  /** The pool's runner token from its Secret on the primary cluster. */
  async readToken(pool: PoolRecord): Promise<string | undefined> {
    const secret = await this.#primary().get({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        namespace: teamNamespace(pool.team),
        name: poolObjectNames(pool.name).tokenSecret,
      },
    });
    const data = (secret as { data?: Record<string, string> } | undefined)?.data
      ?.token;
    return data ? Buffer.from(data, 'base64').toString('utf8') : undefined;
  }

  /** Writes the token Secret (and the namespace it lives in) right after the token exists. */
  async #storeToken(pool: PoolRecord, token: string): Promise<void> {
    const primary = this.#primary();
    const objects = renderPool(
      renderInputFor(this.#config, pool, primary, token, this.#ci.runnerUrl),
    );
    const tokenSecret = poolObjectNames(pool.name).tokenSecret;
    for (const object of objects) {
      if (
        object.kind === 'Namespace' ||
        (object.kind === 'Secret' && object.metadata.name === tokenSecret)
      ) {
        await primary.apply(object);
      }
    }
    await this.#onStep('token-stored', pool.id);
  }
}

function sameTags(a: string[], b: string[]): boolean {
  return [...a].sort().join(',') === [...b].sort().join(',');
}
