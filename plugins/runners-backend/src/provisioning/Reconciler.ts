import { LoggerService } from '@backstage/backend-plugin-api';
import {
  isErrorReason,
  PoolState,
  RECONCILED_POOL_STATES,
  RunnerOs,
} from '@runner-fleet/plugin-runners-common';
import { CiProvider } from '@runner-fleet/plugin-runners-node';
import { RunnersConfig } from '../config';
import { PoolRecord, PoolStore } from '../database/PoolStore';
import { RolloutRecord, RolloutStore } from '../database/RolloutStore';
import { ClusterClient } from './ClusterClient';
import { LiveObjects } from './liveObjects';
import { PassPool, PoolChangedError } from './PassPool';
import { PoolObjects } from './PoolObjects';
import {
  goldenImageProblem,
  ObjectStatus,
  reasonCodeOf,
  vmProblem,
  workloadState,
  WorkloadStatus,
} from './poolStatus';
import {
  goldenImageRef,
  JOB_DRAIN_SECONDS,
  poolObjectNames,
  teamNamespace,
} from './render';
import {
  goldenImageOutdated,
  pinGoldenImage,
  readGoldenImage,
} from './goldenImagePin';
import { replaceRunnerVm } from './replaceRunnerVm';
import { Rollout } from './rollout/Rollout';
import { RunnerRegistration, RunnerStateSource } from './RunnerRegistration';
import { StepHook } from './steps';

/** The pool's VMIs and DataVolumes on the primary cluster, as last watched. */
export type VmStatusSource = (poolId: string) => {
  vmis: ObjectStatus[];
  dataVolumes: ObjectStatus[];
};
import { Teardown } from './Teardown';

export type { ReconcileStep, StepHook } from './steps';

/** What one pass over a pool did. */
export interface ReconcileResult {
  poolId: string;
  applied: number;
  deleted: number;
  state: PoolState;
  /** When set, the pool wants its next pass this soon (e.g. a drain that waits for jobs). */
  requeueAfterMs?: number;
  /** The pool's rollout after this pass, when the pass looked at it. */
  rollout?: RolloutRecord;
  /** VMs the rollout retired in this pass. */
  vmsRetired?: number;
}

/** Consecutive failed passes after which a provisioning pool is marked failed. */
const FAILURES_BEFORE_FAILED = 5;

/**
 * Makes clusters and GitLab match one stored pool: the only writer to clusters. A pass reads the
 * pool, acts, and writes its state conditionally on the version it read: when a user's change,
 * approval or delete landed meanwhile, the write misses, the pass ends with
 * {@link PoolChangedError} and runs again on the new state. Which replica runs which pass, and
 * when, is the {@link ReconcileWorker}'s job.
 */
export class Reconciler {
  readonly #store: PoolStore;
  readonly #clusters: ClusterClient[];
  readonly #logger: LoggerService;
  readonly #onStep: StepHook;
  readonly #onPass: (result: ReconcileResult | Error) => void;
  readonly #runners: RunnerRegistration;
  readonly #objects: PoolObjects;
  readonly #teardown: Teardown;
  readonly #rollout?: Rollout;
  readonly #vmStatus: VmStatusSource;

  static create(options: {
    store: PoolStore;
    ci: CiProvider;
    clusters: ClusterClient[];
    config: RunnersConfig;
    logger: LoggerService;
    onStep?: StepHook;
    /**
     * What the CI poller last saw of a pool's runner: an idle pass then makes no GitLab call.
     * Default: never seen, so only a changed pool's pass reads the runner.
     */
    runnerState?: RunnerStateSource;
    /**
     * The pool's VMIs and DataVolumes on the primary cluster as the watch cache holds them, so
     * a pool whose VMs cannot start says why. Default: none known.
     */
    vmStatus?: VmStatusSource;
    /** Told about every pass over a pool (for metrics). */
    onPass?: (result: ReconcileResult | Error) => void;
    /** How long running jobs may drain after a delete; default the VMs' grace period. */
    drainSeconds?: number;
    /** How often a draining pool looks at its jobs again; default 10 s. */
    drainPollMs?: number;
    /** Where rollouts keep their state; without it, outdated VMs are left to scale-in. */
    rollouts?: RolloutStore;
    /** How long new VMs of a rollout may take to boot and register; default 10 min. */
    rolloutDeadlineMs?: number;
    /** How often a pool in a rollout is looked at again; default 5 s. */
    rolloutPollMs?: number;
    clock?: () => Date;
  }) {
    return new Reconciler(options);
  }

  private constructor(options: Parameters<typeof Reconciler.create>[0]) {
    this.#store = options.store;
    this.#clusters = options.clusters;
    this.#logger = options.logger;
    this.#onStep = options.onStep ?? (() => {});
    this.#onPass = options.onPass ?? (() => {});
    this.#vmStatus =
      options.vmStatus ?? (() => ({ vmis: [], dataVolumes: [] }));
    const onStep: StepHook = (step, poolId) => this.#onStep(step, poolId);
    this.#runners = new RunnerRegistration({
      ci: options.ci,
      primary: () => this.#primary(),
      config: options.config,
      logger: options.logger,
      onStep,
      runnerState: options.runnerState,
    });
    this.#objects = new PoolObjects({
      clusters: options.clusters,
      config: options.config,
      runnerUrl: options.ci.runnerUrl,
      onStep,
    });
    this.#teardown = new Teardown({
      ci: options.ci,
      objects: this.#objects,
      drainSeconds: options.drainSeconds ?? JOB_DRAIN_SECONDS,
      drainPollMs: options.drainPollMs ?? 10_000,
      clock: options.clock ?? (() => new Date()),
      onStep,
    });
    if (options.rollouts) {
      this.#rollout = new Rollout({
        ci: options.ci,
        store: options.rollouts,
        clusters: options.clusters,
        clock: options.clock ?? (() => new Date()),
        deadlineMs: options.rolloutDeadlineMs,
        pollMs: options.rolloutPollMs,
        onStep,
      });
    }
  }

  /**
   * One pass over one pool, on what is stored now. Returns undefined when the pool needs no pass
   * (gone, deleted, waiting for approval, rejected). Throws {@link PoolChangedError} when the pool
   * changed during the pass, and any other error after recording it on the pool
   * (`failuresSoFar`: failed passes in a row before this one).
   */
  async reconcile(
    poolId: string,
    options: { failuresSoFar?: number } = {},
  ): Promise<ReconcileResult | undefined> {
    const pool = await this.#store.getPool(poolId);
    if (!pool || !RECONCILED_POOL_STATES.includes(pool.state)) return undefined;
    const pass = new PassPool(this.#store, pool);
    try {
      await this.#onStep('pass-started', pool.id);
      const result = await this.#run(
        pass,
        await LiveObjects.load(this.#clusters, poolId),
      );
      this.#onPass(result);
      return result;
    } catch (error) {
      if (!(error instanceof PoolChangedError)) {
        await this.#recordFailure(
          poolId,
          error as Error,
          (options.failuresSoFar ?? 0) + 1,
        );
      }
      throw error;
    }
  }

  /**
   * Replaces one VM with a fresh one from the current template (used by the ghost sweeper for VMs
   * that never registered): a Linux VMI is deleted, a Windows VM is deleted with its clone, never
   * restarted (see {@link replaceRunnerVm}). Kept here: the reconciler is the only writer to
   * clusters.
   */
  async replaceVm(
    clusterName: string,
    os: RunnerOs,
    namespace: string,
    name: string,
  ): Promise<void> {
    const cluster = this.#clusters.find(c => c.name === clusterName);
    if (!cluster) throw new Error(`cluster '${clusterName}' is not configured`);
    await replaceRunnerVm(cluster, os, namespace, name);
  }

  /** The pool's runner token from its Secret on the primary cluster (for the ghost sweeper). */
  runnerToken(pool: PoolRecord): Promise<string | undefined> {
    return this.#runners.readToken(pool);
  }

  async #run(pass: PassPool, live: LiveObjects): Promise<ReconcileResult> {
    const poolId = pass.record.id;
    if (pass.record.state === 'deleting') {
      const result = await this.#teardown.run(pass, live);
      return result.done
        ? { poolId, applied: 0, deleted: result.deleted, state: 'deleted' }
        : {
            poolId,
            applied: 0,
            deleted: 0,
            state: 'deleting',
            requeueAfterMs: result.requeueAfterMs,
          };
    }
    const primary = this.#primary();
    await pinGoldenImage(
      pass,
      primary,
      [...live.of(poolId, primary.name).values()].find(
        o => o.kind === 'VirtualMachinePool',
      ),
    );
    const token = await this.#runners.ensure(pass);
    const { applied, deleted, desired } = await this.#objects.apply(
      pass.record,
      token,
      live,
    );
    const rollout = await this.#rollout?.run(pass, desired);
    const state = await this.#updateState(
      pass,
      rollout?.record?.phase === 'rolling' ||
        rollout?.record?.phase === 'rolling-back',
    );
    return {
      poolId,
      applied,
      deleted,
      state,
      requeueAfterMs: rollout?.requeueAfterMs,
      rollout: rollout?.record,
      vmsRetired: rollout?.plan.retire.length,
    };
  }

  /** Derives ready / provisioning / degraded from the primary workload as it is now. */
  async #updateState(pass: PassPool, rolling = false): Promise<PoolState> {
    const pool = pass.record;
    const windows = pool.flavor.os === 'windows';
    // Read the workload now: a snapshot from the start of the pass may predate VMs becoming
    // ready, and a state must never step back because of an old read.
    const primary = this.#primary();
    const workload = await primary.get({
      // The version the renderers wrote it in (see renderInputFor).
      apiVersion: windows
        ? `pool.kubevirt.io/${primary.apis?.vmPoolVersion ?? 'v1beta1'}`
        : 'kubevirt.io/v1',
      kind: windows ? 'VirtualMachinePool' : 'VirtualMachineInstanceReplicaSet',
      metadata: {
        namespace: teamNamespace(pool.team),
        name: poolObjectNames(pool.name).workload,
      },
    });
    await this.#onStep('status-read', pool.id);
    let next = workloadState(
      pool,
      workload as { status?: WorkloadStatus } | undefined,
    );
    // A rollout's replacements boot while the VMs they replace still finish their jobs: fewer
    // ready replicas then is the rollout at work (it says so itself), not a degraded pool.
    if (rolling && next.state === 'degraded') {
      next = {
        state: 'ready',
        code: 'ReplacingVms',
        reason: 'replacing VMs with a new template',
      };
    }
    if (windows) {
      const dataSource = await readGoldenImage(primary, pool);
      // "Waiting for VMs to boot" hides the commonest cause: no golden image to clone from.
      const problem =
        next.state === 'ready'
          ? goldenImageOutdated(pool, dataSource)
          : goldenImageProblem(
              goldenImageRef(pool.flavor.image),
              primary.name,
              dataSource,
            );
      if (problem) next = { ...next, ...problem };
    }
    if (next.state !== 'ready' && !isErrorReason(next.code)) {
      // "Waiting for VMs to boot" while KubeVirt or CDI already says why they cannot.
      const problem = vmProblem(this.#vmStatus(pool.id));
      if (problem) next = { ...next, ...problem };
    }
    await pass.transition(
      next,
      pool.observedGeneration === pool.generation
        ? {}
        : { observedGeneration: pool.generation },
    );
    return next.state;
  }

  /**
   * Records a failed pass on the pool (conditionally: a newer change wins) and marks a pool that
   * keeps failing to provision as failed.
   */
  async #recordFailure(
    poolId: string,
    error: Error,
    failures: number,
  ): Promise<void> {
    this.#onPass(error);
    const current = await this.#store.getPool(poolId);
    if (!current) return;
    this.#logger.warn(
      `pool ${current.team}/${current.name}: pass failed (${failures} in a row)`,
      error,
    );
    if (!RECONCILED_POOL_STATES.includes(current.state)) return;
    if (current.state === 'deleting') {
      await new PassPool(this.#store, current)
        .transition({
          state: 'deleting',
          code: 'DeleteRetrying',
          reason: `retrying the delete after an error: ${error.message}`,
        })
        .catch(() => undefined);
      return;
    }
    const failed =
      current.state === 'provisioning' && failures >= FAILURES_BEFORE_FAILED;
    let state: PoolState =
      current.state === 'ready' ? 'degraded' : current.state;
    if (failed) state = 'failed';
    const reason = failed
      ? `provisioning failed ${failures} times; last error: ${error.message}`
      : `retrying after an error: ${error.message}`;
    await new PassPool(this.#store, current)
      .transition({
        state,
        reason,
        code: failed ? 'ProvisioningFailed' : reasonCodeOf(error),
      })
      .catch(e => {
        if (!(e instanceof PoolChangedError)) throw e;
      });
  }

  #primary(): ClusterClient {
    const primary = this.#clusters.find(c => c.role === 'primary');
    if (!primary)
      throw new Error('no primary cluster is configured (runners.clusters)');
    return primary;
  }
}
