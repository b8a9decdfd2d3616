import {
  effectiveMinReplicas,
  LABELS,
} from '@runner-fleet/plugin-runners-common';
import { RunnersConfig } from '../config';
import { PoolRecord } from '../database/PoolStore';
import { ClusterClient } from './ClusterClient';
import { CachedClusterClient, directReads } from './cache/CachedClusterClient';
import { sameSecretData } from './cache/trim';
import { releaseCloneAccess } from './cloneAccess';
import { LiveObjects } from './liveObjects';
import {
  KubeObject,
  objectKey,
  poolObjectNames,
  renderedKindOf,
  renderPool,
  teamNamespace,
} from './render';
import { renderInputFor } from './renderInput';
import type { StepHook } from './steps';

const WORKLOAD_KINDS = new Set([
  'VirtualMachineInstanceReplicaSet',
  'VirtualMachinePool',
]);
const SECRET = renderedKindOf('v1', 'Secret');
/** Field manager that seeds a new workload's replicas until KEDA takes them over. */
const REPLICAS_SEED_MANAGER = 'runner-fleet-replicas-seed';

/**
 * A pool's objects on every cluster: applies what the renderers produce when its template hash
 * differs from what runs, prunes what the pool no longer needs, deletes everything on teardown.
 * Unchanged objects cost no write.
 */
export class PoolObjects {
  readonly #clusters: ClusterClient[];
  readonly #config: RunnersConfig;
  readonly #runnerUrl: string;
  readonly #onStep: StepHook;

  constructor(options: {
    clusters: ClusterClient[];
    config: RunnersConfig;
    /** Where runner VMs register (the CI provider's URL). */
    runnerUrl: string;
    onStep: StepHook;
  }) {
    this.#clusters = options.clusters;
    this.#config = options.config;
    this.#runnerUrl = options.runnerUrl;
    this.#onStep = options.onStep;
  }

  /** Applies the pool's rendered objects and prunes the rest; counts the writes. */
  async apply(
    pool: PoolRecord,
    token: string,
    live: LiveObjects,
  ): Promise<{
    applied: number;
    deleted: number;
    /** What was rendered, by cluster name (the rollout reads the VM templates from it). */
    desired: Map<string, KubeObject[]>;
  }> {
    let applied = 0;
    let deleted = 0;
    const rendered = new Map<string, KubeObject[]>();
    for (const cluster of this.#clusters) {
      const desired = renderPool(
        renderInputFor(this.#config, pool, cluster, token, this.#runnerUrl),
      );
      rendered.set(cluster.name, desired);
      const current = live.of(pool.id, cluster.name);
      for (const secret of await this.secrets(cluster, pool)) {
        current.set(objectKey(secret), secret);
      }
      for (const object of desired) {
        const existing = current.get(objectKey(object));
        const scope = object.metadata.labels[LABELS.pool] ? 'pool' : 'team';
        if (
          existing &&
          sameHash(existing, object) &&
          // A Secret edited in place keeps its labels: compare its data too (by hash, as the
          // cache holds no values).
          (object.kind !== 'Secret' || sameSecretData(existing, object))
        )
          continue;
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
        await this.#onStep('object-applied', pool.id);
      }
      applied += await this.#seedReplicas(cluster, pool, desired, current);
      const wanted = new Set(desired.map(objectKey));
      for (const [key, object] of current) {
        if (wanted.has(key)) continue;
        if (await cluster.delete(object)) deleted++;
        deleted += await this.#afterDelete(cluster, pool, object);
        await this.#onStep('object-pruned', pool.id);
      }
    }
    return { applied, deleted, desired: rendered };
  }

  /** Deletes every object of the pool on every cluster; counts what existed. */
  async deleteAll(pool: PoolRecord, live: LiveObjects): Promise<number> {
    let deleted = 0;
    for (const cluster of this.#clusters) {
      const objects = [
        ...live.of(pool.id, cluster.name).values(),
        ...(await this.secrets(cluster, pool)),
      ];
      for (const object of objects) {
        if (await cluster.delete(object)) deleted++;
        deleted += await this.#afterDelete(cluster, pool, object);
      }
    }
    return deleted;
  }

  /**
   * What goes with a deleted object: the team's clone RoleBinding with its last Windows pool
   * (see {@link releaseCloneAccess}).
   */
  async #afterDelete(
    cluster: ClusterClient,
    pool: PoolRecord,
    object: KubeObject,
  ): Promise<number> {
    if (object.kind !== 'VirtualMachinePool') return 0;
    return releaseCloneAccess(cluster, pool.team, object);
  }

  /**
   * The pool's Secrets on a cluster: from the watch cache (trimmed, no values) when it holds
   * them, else read by their known names.
   */
  async secrets(
    cluster: ClusterClient,
    pool: PoolRecord,
  ): Promise<KubeObject[]> {
    const names = poolObjectNames(pool.name);
    const namespace = teamNamespace(pool.team);
    if (cluster instanceof CachedClusterClient && cluster.caches(SECRET)) {
      return (await cluster.list(SECRET, { [LABELS.pool]: pool.id })).filter(
        s => s.metadata.namespace === namespace,
      );
    }
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
      const cached = current.get(key) ?? (await cluster.get(workload));
      if (hasReplicas(cached)) continue;
      // The cache may lag a scale KEDA just made: confirm before seeding.
      const direct = directReads(cluster);
      if (
        cached &&
        direct !== cluster &&
        hasReplicas(await direct.get(workload))
      )
        continue;
      const a = pool.spec.autoscaling;
      const replicas =
        workload.metadata.labels[LABELS.role] === 'burst'
          ? 0
          : effectiveMinReplicas(a);
      await cluster.mergePatch(
        workload,
        { spec: { replicas } },
        REPLICAS_SEED_MANAGER,
      );
      seeded++;
    }
    return seeded;
  }

  async #teamObjectChanged(
    cluster: ClusterClient,
    object: KubeObject,
  ): Promise<boolean> {
    const existing = await cluster.get(object);
    return !existing || !sameHash(existing, object);
  }
}

function hasReplicas(object: KubeObject | undefined): boolean {
  return (
    (object?.spec as { replicas?: number } | undefined)?.replicas !== undefined
  );
}

function sameHash(a: KubeObject, b: KubeObject): boolean {
  const hash = a.metadata.labels?.[LABELS.templateHash];
  return !!hash && hash === b.metadata.labels[LABELS.templateHash];
}
