import { LoggerService } from '@backstage/backend-plugin-api';
import { LABELS, PoolState } from '@runner-fleet/plugin-runners-common';
import {
  CiProvider,
  CiRunnerSpec,
  fleetRunnerDescription,
} from '@runner-fleet/plugin-runners-node';
import { poolScalingUrl, RunnersConfig } from '../config';
import { PoolRecord, PoolStore } from '../database/PoolStore';
import { KeyedMutex } from '../database/KeyedMutex';
import { ClusterClient } from './ClusterClient';
import { LiveObjects } from './liveObjects';
import {
  KubeObject,
  objectKey,
  poolObjectNames,
  renderPool,
  teamNamespace,
} from './render';

/** What one pass over a pool changed. */
export interface ReconcileResult {
  poolId: string;
  applied: number;
  deleted: number;
  state: PoolState;
}

/** Steps the reconciler reports, so tests can crash between any two of them. */
export type ReconcileStep =
  | 'runner-created'
  | 'runner-recorded'
  | 'token-stored'
  | 'object-applied'
  | 'object-pruned'
  | 'objects-deleted'
  | 'runner-deleted';

const WORKLOAD_KINDS = new Set([
  'VirtualMachineInstanceReplicaSet',
  'VirtualMachinePool',
]);
/** Field manager that seeds a new workload's replicas until KEDA takes them over. */
const REPLICAS_SEED_MANAGER = 'runner-fleet-replicas-seed';
const ACTIVE: PoolState[] = ['provisioning', 'ready', 'degraded', 'failed'];
/** Consecutive failed passes after which a provisioning pool is marked failed. */
const FAILURES_BEFORE_FAILED = 5;

/**
 * Makes clusters and GitLab match the stored pools: the only writer to clusters. Each pass is
 * ordered so that a crash between any two steps is repaired by the next pass: the GitLab runner
 * id is recorded before anything depends on it, a runner created but not recorded is found again
 * by the pool id in its description, and a lost token is reset.
 */
export class Reconciler {
  readonly #store: PoolStore;
  readonly #ci: CiProvider;
  readonly #clusters: ClusterClient[];
  readonly #config: RunnersConfig;
  readonly #logger: LoggerService;
  readonly #onStep: (step: ReconcileStep, poolId: string) => void;
  readonly #mutex = new KeyedMutex();
  readonly #failures = new Map<string, number>();
  readonly #onPass: (result: ReconcileResult | Error) => void;

  static create(options: {
    store: PoolStore;
    ci: CiProvider;
    clusters: ClusterClient[];
    config: RunnersConfig;
    logger: LoggerService;
    onStep?: (step: ReconcileStep, poolId: string) => void;
    /** Told about every pass over a pool (for metrics). */
    onPass?: (result: ReconcileResult | Error) => void;
  }) {
    return new Reconciler(options);
  }

  private constructor(options: Parameters<typeof Reconciler.create>[0]) {
    this.#store = options.store;
    this.#ci = options.ci;
    this.#clusters = options.clusters;
    this.#config = options.config;
    this.#logger = options.logger;
    this.#onStep = options.onStep ?? (() => {});
    this.#onPass = options.onPass ?? (() => {});
  }

  /** Reconciles every active and deleting pool. */
  async reconcileAll(): Promise<ReconcileResult[]> {
    const pools = await this.#store.listPools({
      states: [...ACTIVE, 'deleting'],
    });
    const live = await LiveObjects.load(this.#clusters);
    const results: ReconcileResult[] = [];
    for (const pool of pools) {
      try {
        const result = await this.#mutex.run(pool.id, async () => {
          // A kick may have changed the pool while this pass waited for its turn: act on the
          // pool as stored now, never on the list read at the start.
          const fresh = await this.#store.getPool(pool.id);
          if (!fresh || ![...ACTIVE, 'deleting'].includes(fresh.state)) {
            return undefined;
          }
          return this.#reconcile(fresh, live);
        });
        if (result) results.push(result);
      } catch (error) {
        await this.#recordFailure(pool, error as Error);
      }
    }
    return results;
  }

  /** Reconciles one pool now. */
  async reconcile(poolId: string): Promise<ReconcileResult | undefined> {
    return this.#mutex.run(poolId, async () => {
      const pool = await this.#store.getPool(poolId);
      if (!pool || ![...ACTIVE, 'deleting'].includes(pool.state))
        return undefined;
      try {
        return await this.#reconcile(
          pool,
          await LiveObjects.load(this.#clusters, poolId),
        );
      } catch (error) {
        await this.#recordFailure(pool, error as Error);
        throw error;
      }
    });
  }

  /**
   * Deletes one VM so its replica set or pool replaces it (used by the ghost sweeper for VMs
   * that never registered). Kept here: the reconciler is the only writer to clusters.
   */
  async replaceVm(
    clusterName: string,
    namespace: string,
    name: string,
  ): Promise<void> {
    const cluster = this.#clusters.find(c => c.name === clusterName);
    if (!cluster) throw new Error(`cluster '${clusterName}' is not configured`);
    await cluster.delete({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { namespace, name },
    });
  }

  /** The pool's runner token from its Secret on the primary cluster (for the ghost sweeper). */
  runnerToken(pool: PoolRecord): Promise<string | undefined> {
    return this.#readToken(pool);
  }

  /** Starts reconciling a pool without waiting; errors are logged and recorded on the pool. */
  kick(poolId: string): void {
    this.reconcile(poolId).catch(error =>
      this.#logger.warn(`reconciling pool ${poolId} failed: ${error.message}`),
    );
  }

  async #reconcile(
    pool: PoolRecord,
    live: LiveObjects,
  ): Promise<ReconcileResult> {
    if (pool.state === 'deleting') return this.#teardown(pool, live);
    const token = await this.#ensureRunner(pool);
    let applied = 0;
    let deleted = 0;
    for (const cluster of this.#clusters) {
      const desired = renderPool(this.#renderInput(pool, cluster, token));
      const current = live.of(pool.id, cluster.name);
      for (const secret of await this.#poolSecrets(cluster, pool)) {
        current.set(objectKey(secret), secret);
      }
      for (const object of desired) {
        const existing = current.get(objectKey(object));
        const scope = object.metadata.labels[LABELS.pool] ? 'pool' : 'team';
        if (existing && sameHash(existing, object)) continue;
        // Team objects are shared by the team's pools and not in the pool's snapshot: apply
        // them only when the pool has nothing on the cluster yet or their content changed.
        if (
          scope === 'team' &&
          current.size > 0 &&
          !(await this.#teamObjectChanged(cluster, object))
        )
          continue;
        await cluster.apply(object);
        applied++;
        this.#onStep('object-applied', pool.id);
      }
      applied += await this.#seedReplicas(cluster, pool, desired, current);
      const wanted = new Set(desired.map(objectKey));
      for (const [key, object] of current) {
        if (wanted.has(key)) continue;
        if (await cluster.delete(object)) deleted++;
        this.#onStep('object-pruned', pool.id);
      }
    }
    const state = await this.#updateState(pool);
    this.#failures.delete(pool.id);
    const result = { poolId: pool.id, applied, deleted, state };
    this.#onPass(result);
    return result;
  }

  /**
   * Gives a new workload its first `spec.replicas`. The rendered workload leaves replicas out,
   * because KEDA owns them; but the API server's `/scale` fails on a custom resource whose
   * replicas field does not exist yet. So a separate field manager sets it once, only while it is
   * missing; KEDA's first scale takes the field over, and later applies never touch it.
   */
  async #seedReplicas(
    cluster: ClusterClient,
    pool: PoolRecord,
    desired: KubeObject[],
    current: Map<string, KubeObject>,
  ): Promise<number> {
    let seeded = 0;
    for (const workload of desired.filter(o => WORKLOAD_KINDS.has(o.kind))) {
      const key = objectKey(workload);
      const live = current.get(key) ?? (await cluster.get(workload));
      if (
        (live?.spec as { replicas?: number } | undefined)?.replicas !==
        undefined
      )
        continue;
      const a = pool.spec.autoscaling;
      const replicas =
        workload.metadata.labels[LABELS.role] === 'burst' || a.scaleToZero
          ? 0
          : Math.max(1, a.minReplicas);
      await cluster.mergePatch(
        workload,
        { spec: { replicas } },
        REPLICAS_SEED_MANAGER,
      );
      seeded++;
    }
    return seeded;
  }

  /** The pool's Secrets on a cluster, read by their known names (they cannot be listed). */
  async #poolSecrets(
    cluster: ClusterClient,
    pool: PoolRecord,
  ): Promise<KubeObject[]> {
    const names = poolObjectNames(pool.name);
    const namespace = teamNamespace(pool.team);
    const found = await Promise.all(
      [
        names.tokenSecret,
        names.cloudInitSecret,
        names.sysprepSecret,
        names.metricsAuthSecret,
      ].map(name =>
        cluster.get({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { namespace, name },
        }),
      ),
    );
    return found.filter(
      (s): s is KubeObject =>
        !!s && s.metadata.labels?.[LABELS.pool] === pool.id,
    );
  }

  async #teamObjectChanged(
    cluster: ClusterClient,
    object: KubeObject,
  ): Promise<boolean> {
    const existing = await cluster.get(object);
    return !existing || !sameHash(existing, object);
  }

  #runnerSpec(pool: PoolRecord): CiRunnerSpec {
    return {
      poolId: pool.id,
      team: pool.team,
      poolName: pool.name,
      scope: pool.spec.gitlab.scope,
      tags: pool.spec.gitlab.tags,
      runUntagged: pool.spec.gitlab.runUntagged,
    };
  }

  /** Makes sure the pool has a GitLab runner and returns its token. */
  async #ensureRunner(pool: PoolRecord): Promise<string> {
    const spec = this.#runnerSpec(pool);
    let runnerId = pool.gitlabRunnerId;
    const existing =
      runnerId !== undefined ? await this.#ci.getRunner(runnerId) : undefined;
    if (runnerId !== undefined && !existing) {
      this.#logger.warn(
        `GitLab runner ${runnerId} of pool ${pool.team}/${pool.name} is gone; registering a new one`,
      );
      runnerId = undefined;
    }
    if (runnerId === undefined) {
      const orphan = (await this.#ci.listFleetRunners()).find(
        r => r.poolId === pool.id,
      );
      if (orphan) {
        // Created by a pass that crashed before recording it: adopt it with a fresh token.
        await this.#store.updatePool(pool.id, { gitlabRunnerId: orphan.id });
        this.#onStep('runner-recorded', pool.id);
        const token = await this.#ci.resetToken(orphan.id);
        await this.#storeToken(pool, token);
        return token;
      }
      const created = await this.#ci.createRunner(spec);
      this.#onStep('runner-created', pool.id);
      await this.#store.updatePool(pool.id, { gitlabRunnerId: created.id });
      this.#onStep('runner-recorded', pool.id);
      await this.#storeToken(pool, created.token);
      return created.token;
    }
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
    const stored = await this.#readToken(pool);
    if (stored) return stored;
    this.#logger.info(
      `token Secret of pool ${pool.team}/${pool.name} is missing; resetting the runner token`,
    );
    const token = await this.#ci.resetToken(runnerId);
    await this.#storeToken(pool, token);
    return token;
  }

  #primary(): ClusterClient {
    const primary = this.#clusters.find(c => c.role === 'primary');
    if (!primary)
      throw new Error('no primary cluster is configured (runners.clusters)');
    return primary;
  }

  async #readToken(pool: PoolRecord): Promise<string | undefined> {
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
    const objects = renderPool(this.#renderInput(pool, primary, token));
    const tokenSecret = poolObjectNames(pool.name).tokenSecret;
    for (const object of objects) {
      if (
        object.kind === 'Namespace' ||
        (object.kind === 'Secret' && object.metadata.name === tokenSecret)
      ) {
        await primary.apply(object);
      }
    }
    this.#onStep('token-stored', pool.id);
  }

  #renderInput(pool: PoolRecord, cluster: ClusterClient, token: string) {
    const { scalingMetrics, autoscaling, quotas } = this.#config;
    if (!scalingMetrics.token) {
      throw new Error(
        "runners.scalingMetrics.token is not set; KEDA needs it to read the pool's scaling metrics",
      );
    }
    if (!this.#config.gitlab)
      throw new Error('runners.gitlab is not configured');
    return {
      pool: {
        id: pool.id,
        team: pool.team,
        name: pool.name,
        spec: pool.spec,
        generation: pool.generation,
      },
      flavor: pool.flavor,
      cluster: { name: cluster.name, role: cluster.role },
      teamQuota: quotas.teams[pool.team] ?? quotas.default,
      gitlab: { url: this.#config.gitlab.baseUrl },
      runnerToken: token,
      scaling: {
        metricsUrl: poolScalingUrl(this.#config, cluster.name, pool.id),
        metricsToken: scalingMetrics.token,
        pollingIntervalSeconds: autoscaling.pollingIntervalSeconds,
        scaleDownStabilizationSeconds:
          autoscaling.scaleDownStabilizationSeconds,
        cooldownSeconds: autoscaling.cooldownSeconds,
      },
    };
  }

  async #teardown(
    pool: PoolRecord,
    live: LiveObjects,
  ): Promise<ReconcileResult> {
    let deleted = 0;
    for (const cluster of this.#clusters) {
      const objects = [
        ...live.of(pool.id, cluster.name).values(),
        ...(await this.#poolSecrets(cluster, pool)),
      ];
      for (const object of objects) {
        if (await cluster.delete(object)) deleted++;
      }
    }
    this.#onStep('objects-deleted', pool.id);
    const runners = new Set<number>(
      pool.gitlabRunnerId !== undefined ? [pool.gitlabRunnerId] : [],
    );
    for (const runner of await this.#ci.listFleetRunners()) {
      if (runner.poolId === pool.id) runners.add(runner.id);
    }
    for (const id of runners) await this.#ci.deleteRunner(id);
    this.#onStep('runner-deleted', pool.id);
    await this.#store.updatePool(
      pool.id,
      { deleted: true, gitlabRunnerId: null },
      {
        state: 'deleted',
        reason: `removed ${deleted} cluster objects and ${runners.size} GitLab runner(s)`,
      },
    );
    return { poolId: pool.id, applied: 0, deleted, state: 'deleted' };
  }

  /** Derives ready / provisioning / degraded from the primary workload's status. */
  async #updateState(pool: PoolRecord): Promise<PoolState> {
    const primary = this.#primary();
    const names = poolObjectNames(pool.name);
    // Read the workload now: a snapshot from the start of the pass may predate VMs becoming
    // ready, and a state must never step back because of an old read.
    const windows = pool.flavor.os === 'windows';
    const workload = await primary.get({
      apiVersion: windows ? 'pool.kubevirt.io/v1beta1' : 'kubevirt.io/v1',
      kind: windows ? 'VirtualMachinePool' : 'VirtualMachineInstanceReplicaSet',
      metadata: { namespace: teamNamespace(pool.team), name: names.workload },
    });
    const status = (workload?.status ?? {}) as {
      readyReplicas?: number;
      replicas?: number;
    };
    const ready = status.readyReplicas ?? 0;
    const a = pool.spec.autoscaling;
    const needed = a.scaleToZero ? 0 : Math.max(1, a.minReplicas);
    let state: PoolState;
    let reason: string;
    if (workload && ready >= needed) {
      state = 'ready';
      reason = `${ready} of ${status.replicas ?? ready} VMs ready (scales ${
        a.scaleToZero ? 0 : Math.max(1, a.minReplicas)
      }–${a.maxReplicas})`;
    } else if (pool.state === 'ready' || pool.state === 'degraded') {
      state = 'degraded';
      reason = `only ${ready} of the ${needed} VMs the pool keeps at least are ready`;
    } else {
      state = 'provisioning';
      reason = workload
        ? `waiting for VMs to boot: ${ready} of ${needed} ready`
        : 'creating the VMs';
    }
    const patch =
      pool.observedGeneration === pool.generation
        ? {}
        : { observedGeneration: pool.generation };
    if (state !== pool.state || reason !== pool.stateReason) {
      await this.#store.updatePool(pool.id, patch, { state, reason });
    } else if (Object.keys(patch).length) {
      await this.#store.updatePool(pool.id, patch);
    }
    return state;
  }

  async #recordFailure(pool: PoolRecord, error: Error) {
    this.#onPass(error);
    const failures = (this.#failures.get(pool.id) ?? 0) + 1;
    this.#failures.set(pool.id, failures);
    this.#logger.warn(
      `pool ${pool.team}/${pool.name}: pass ${failures} failed: ${error.message}`,
    );
    const current = await this.#store.getPool(pool.id);
    if (!current || current.state === 'deleting') return;
    const failed =
      current.state === 'provisioning' && failures >= FAILURES_BEFORE_FAILED;
    let state: PoolState =
      current.state === 'ready' ? 'degraded' : current.state;
    if (failed) state = 'failed';
    const reason = failed
      ? `provisioning failed ${failures} times; last error: ${error.message}`
      : `retrying after an error: ${error.message}`;
    if (state !== current.state || reason !== current.stateReason) {
      await this.#store.updatePool(pool.id, {}, { state, reason });
    }
  }
}

function sameTags(a: string[], b: string[]): boolean {
  return [...a].sort().join(',') === [...b].sort().join(',');
}

function sameHash(a: KubeObject, b: KubeObject): boolean {
  const hash = a.metadata.labels?.[LABELS.templateHash];
  return !!hash && hash === b.metadata.labels[LABELS.templateHash];
}
