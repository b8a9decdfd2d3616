import { LABELS } from '@runner-fleet/plugin-runners-common';
import { CiProvider } from '@runner-fleet/plugin-runners-node';
import { RolloutRecord, RolloutStore } from '../../database/RolloutStore';
import { runnerTakes } from '../../fleet/CiPoller';
import { ClusterClient } from '../ClusterClient';
import { PassPool, PoolChangedError } from '../PassPool';
import { KubeObject, RenderedKind, vmiRunnerSystemId } from '../render';
import type { StepHook } from '../steps';
import { planRollout, RolloutPlan, RolloutVm } from './planRollout';
import { REPLACE_VM, ReplaceVm } from './replaceVm';

const VMI_KIND: RenderedKind = {
  group: 'kubevirt.io',
  version: 'v1',
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachineInstance',
  plural: 'virtualmachineinstances',
  namespaced: true,
  scope: 'pool',
};

/** Default time new VMs get to boot and register before a rollout halts. */
export const ROLLOUT_DEADLINE_MS = 10 * 60_000;
/** How often a pool in a rollout is looked at again. */
export const ROLLOUT_POLL_MS = 5_000;

interface Vmi extends KubeObject {
  metadata: KubeObject['metadata'] & { deletionTimestamp?: string };
  spec?: Record<string, unknown>;
  status?: {
    phase?: string;
    conditions?: Array<{ type: string; status: string }>;
  };
}

/** The VM template hash of a rendered workload (VMIRS, or VirtualMachinePool). */
export function vmTemplateHash(workload: KubeObject): string | undefined {
  const spec = workload.spec as
    | {
        template?: { metadata?: { labels?: Record<string, string> } };
        virtualMachineTemplate?: {
          spec?: {
            template?: { metadata?: { labels?: Record<string, string> } };
          };
        };
      }
    | undefined;
  const labels =
    spec?.template?.metadata?.labels ??
    spec?.virtualMachineTemplate?.spec?.template?.metadata?.labels;
  return labels?.[LABELS.templateHash];
}

function isServingPhase(vmi: Vmi): boolean {
  if (vmi.status?.phase !== 'Running') return false;
  const ready = vmi.status.conditions?.find(c => c.type === 'Ready');
  return !ready || ready.status === 'True';
}

/** What one rollout pass decided, for the pass result and metrics. */
export interface RolloutOutcome {
  plan: RolloutPlan;
  record?: RolloutRecord;
  requeueAfterMs?: number;
}

/**
 * The rollout step of a reconcile pass: after the pool's objects are applied, replaces VMs whose
 * template hash is outdated (see {@link planRollout} for the order and the limits) and keeps the
 * rollout's state in the {@link RolloutStore}, so any replica resumes it. Asks GitLab about
 * managers and jobs only while the pool has outdated VMs or a rollout open.
 */
export class Rollout {
  readonly #ci: CiProvider;
  readonly #store: RolloutStore;
  readonly #clusters: ClusterClient[];
  readonly #clock: () => Date;
  readonly #deadlineMs: number;
  readonly #pollMs: number;
  readonly #replace: Record<'linux' | 'windows', ReplaceVm>;
  readonly #onStep: StepHook;

  constructor(options: {
    ci: CiProvider;
    store: RolloutStore;
    clusters: ClusterClient[];
    clock: () => Date;
    deadlineMs?: number;
    pollMs?: number;
    /** Per-OS "replace one VM" hooks; default {@link REPLACE_VM}. */
    replace?: Partial<Record<'linux' | 'windows', ReplaceVm>>;
    onStep: StepHook;
  }) {
    this.#ci = options.ci;
    this.#store = options.store;
    this.#clusters = options.clusters;
    this.#clock = options.clock;
    this.#deadlineMs = options.deadlineMs ?? ROLLOUT_DEADLINE_MS;
    this.#pollMs = options.pollMs ?? ROLLOUT_POLL_MS;
    this.#replace = { ...REPLACE_VM, ...options.replace };
    this.#onStep = options.onStep;
  }

  /**
   * One step for the pool, given the workloads just rendered per cluster name. Throws
   * {@link PoolChangedError} when another writer advanced the rollout meanwhile.
   */
  async run(
    pass: PassPool,
    desired: Map<string, KubeObject[]>,
  ): Promise<RolloutOutcome | undefined> {
    const pool = pass.record;
    const os = pool.flavor.os;
    const found: Array<{
      cluster: ClusterClient;
      vmi: Vmi;
      outdated: boolean;
    }> = [];
    let targetHash: string | undefined;
    const workloads: Array<{ cluster: ClusterClient; workload: KubeObject }> =
      [];
    for (const cluster of this.#clusters) {
      const workload = desired
        .get(cluster.name)
        ?.find(o => vmTemplateHash(o) !== undefined);
      const target = workload && vmTemplateHash(workload);
      if (!workload || !target) continue;
      if (cluster.role === 'primary' || !targetHash) targetHash = target;
      workloads.push({ cluster, workload });
      const vmis = (await cluster.list(VMI_KIND, {
        [LABELS.pool]: pool.id,
        [LABELS.role]: workload.metadata.labels[LABELS.role] ?? cluster.role,
      })) as Vmi[];
      for (const vmi of vmis) {
        const outdated = vmi.metadata.labels?.[LABELS.templateHash] !== target;
        found.push({ cluster, vmi, outdated });
      }
    }
    if (!targetHash) return undefined;

    const record = await this.#store.get(pool.id);
    const open = !!record && record.phase !== 'stable';
    const ask =
      pool.gitlabRunnerId !== undefined &&
      (open || found.some(f => f.outdated));
    const gitlab = ask
      ? await this.#gitlab(pass, found)
      : {
          online: new Set<string>(),
          runningBy: new Map<string, number>(),
          pending: 0,
        };
    const { online, runningBy } = gitlab;
    const byKey = new Map<string, (typeof found)[number]>();
    const vms: RolloutVm[] = found.map(f => {
      const key = `${f.cluster.name}/${f.vmi.metadata.namespace}/${f.vmi.metadata.name}`;
      byKey.set(key, f);
      const systemId = vmiRunnerSystemId(
        { metadata: f.vmi.metadata, spec: f.vmi.spec },
        os,
      );
      return {
        key,
        outdated: f.outdated,
        deleting: !!f.vmi.metadata.deletionTimestamp,
        serving: isServingPhase(f.vmi) && !!systemId && online.has(systemId),
        failed: f.vmi.status?.phase === 'Failed',
        runningJobs: systemId ? runningBy.get(systemId) ?? 0 : 0,
      };
    });

    const plan = planRollout({
      replicas: ask ? await this.#replicas(workloads) : undefined,
      poolId: pool.id,
      spec: pool.spec,
      flavor: pool.flavor,
      goldenImage: pool.goldenImage,
      targetHash,
      vms,
      slotsPerVm: pool.flavor.jobSlots,
      pendingJobs: gitlab.pending,
      record,
      now: this.#clock(),
      deadlineMs: this.#deadlineMs,
    });
    let saved = record;
    if (plan.write) {
      // The intent is stored before any VM goes: a crash between the two converges next pass.
      saved = await this.#store.save(
        plan.write,
        record?.version,
        plan.event ? { state: pool.state, reason: plan.event } : undefined,
      );
      if (!saved) throw new PoolChangedError(pool.id);
    }
    for (const key of plan.retire) {
      const f = byKey.get(key)!;
      await this.#replace[os](f.cluster, f.vmi);
      await this.#onStep('vm-replaced', pool.id);
    }
    return {
      plan,
      record: saved,
      requeueAfterMs: plan.active ? this.#pollMs : undefined,
    };
  }

  /**
   * The VMs the pool's workloads want, across clusters (KEDA's `spec.replicas` as stored). A
   * VirtualMachinePool re-creates a deleted Windows VM only once the old one is gone, so VMs
   * wanted but not there yet are replacements in flight as much as new VMs booting.
   */
  async #replicas(
    workloads: Array<{ cluster: ClusterClient; workload: KubeObject }>,
  ): Promise<number> {
    let total = 0;
    for (const { cluster, workload } of workloads) {
      const live = (await cluster.get({
        apiVersion: workload.apiVersion,
        kind: workload.kind,
        metadata: {
          namespace: workload.metadata.namespace,
          name: workload.metadata.name,
        },
      })) as { spec?: { replicas?: number } } | undefined;
      total += live?.spec?.replicas ?? 0;
    }
    return total;
  }

  /**
   * Registered managers, running jobs per serving VM, and pending jobs for the pool. GitLab lists
   * a runner's jobs without their manager, so running jobs are asked per VM (`system_id`).
   */
  async #gitlab(
    pass: PassPool,
    found: Array<{ vmi: Vmi }>,
  ): Promise<{
    online: Set<string>;
    runningBy: Map<string, number>;
    pending: number;
  }> {
    const pool = pass.record;
    const runnerId = pool.gitlabRunnerId!;
    const [managers, pending] = await Promise.all([
      this.#ci.listManagers(runnerId),
      this.#ci.listPendingJobs(pool.spec.gitlab.scope),
    ]);
    const online = new Set(
      managers.filter(m => m.status === 'online').map(m => m.systemId),
    );
    const ids = found
      .filter(f => isServingPhase(f.vmi))
      .map(f => vmiRunnerSystemId(f.vmi, pool.flavor.os))
      .filter((id): id is string => !!id && online.has(id));
    const runningBy = new Map<string, number>();
    await Promise.all(
      ids.map(async systemId => {
        const jobs = await this.#ci.listJobs(runnerId, {
          status: 'running',
          limit: 100,
          systemId,
        });
        runningBy.set(systemId, jobs.length);
      }),
    );
    const runner = {
      tags: pool.spec.gitlab.tags,
      runUntagged: pool.spec.gitlab.runUntagged,
    };
    return {
      online,
      runningBy,
      pending: pending.filter(j => runnerTakes(runner, j.tags)).length,
    };
  }
}
