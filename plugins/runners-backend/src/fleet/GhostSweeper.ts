import { isLivePoolState, RunnerOs } from '@runner-fleet/plugin-runners-common';
import { LoggerService } from '@backstage/backend-plugin-api';
import { CiProvider } from '@runner-fleet/plugin-runners-node';
import { PoolRecord, PoolStore } from '../database/PoolStore';
import { vmiRunnerSystemId } from '../provisioning/render';
import { CiPoller, snapshotAgeMs } from './CiPoller';
import { CachedObject } from './FleetCache';

/** What one sweep found and did. */
export interface SweepResult {
  ghostRunners: number;
  ghostManagers: number;
  unregisteredVms: number;
  runnersDeleted: number;
  managersDeleted: number;
  vmsReplaced: number;
  /** Pools left alone because their CI snapshot was older than the bound. */
  staleSkipped: number;
}

/** Where the sweeper sees VMs and how it replaces one (through the reconciler). */
export interface SweeperFleet {
  /** Every VMI of a pool across clusters, with the cluster it runs on. */
  vmisOf(poolId: string): Array<{ cluster: string; vmi: CachedObject }>;
  /**
   * Replaces a VM with a fresh one (Windows: delete the VM and its clone, never restart it on its
   * already-specialised disk).
   */
  replaceVm(
    cluster: string,
    os: RunnerOs,
    namespace: string,
    name: string,
  ): Promise<void>;
  /** The pool's runner token from its Secret, needed to delete a runner manager in GitLab. */
  runnerToken(pool: PoolRecord): Promise<string | undefined>;
}

/**
 * Removes what outlived its purpose: GitLab runners Runner Fleet created whose pool is gone (or
 * that a crash left as duplicates), runner managers whose VM is gone (at once, not after
 * GitLab's 7 days), and replaces VMs that never registered within the timeout.
 */
export class GhostSweeper {
  readonly #deps: {
    ci: CiProvider;
    store: PoolStore;
    poller: CiPoller;
    fleet: SweeperFleet;
    logger: LoggerService;
    registrationTimeoutMs: number;
    managerGraceMs: number;
    maxDataAgeMs: number;
    clock: () => number;
  };
  #last: SweepResult = {
    ghostRunners: 0,
    ghostManagers: 0,
    unregisteredVms: 0,
    runnersDeleted: 0,
    managersDeleted: 0,
    vmsReplaced: 0,
    staleSkipped: 0,
  };
  #removedTotal = 0;
  /** Managers already removed (pool id / system id), so a stale snapshot does not repeat them. */
  readonly #removed = new Set<string>();

  static create(options: {
    ci: CiProvider;
    store: PoolStore;
    poller: CiPoller;
    fleet: SweeperFleet;
    logger: LoggerService;
    registrationTimeoutSeconds?: number;
    managerGraceSeconds?: number;
    /** CI snapshots older than this are not acted on. Default 300 s. */
    maxDataAgeSeconds?: number;
    clock?: () => number;
  }) {
    return new GhostSweeper(options);
  }

  private constructor(o: Parameters<typeof GhostSweeper.create>[0]) {
    this.#deps = {
      ci: o.ci,
      store: o.store,
      poller: o.poller,
      fleet: o.fleet,
      logger: o.logger,
      registrationTimeoutMs: (o.registrationTimeoutSeconds ?? 600) * 1000,
      managerGraceMs: (o.managerGraceSeconds ?? 60) * 1000,
      maxDataAgeMs: (o.maxDataAgeSeconds ?? 300) * 1000,
      clock: o.clock ?? Date.now,
    };
  }

  get lastSweep(): SweepResult {
    return this.#last;
  }

  get removedTotal(): number {
    return this.#removedTotal;
  }

  async sweep(): Promise<SweepResult> {
    const { store } = this.#deps;
    const pools = await store.listPools({ includeDeleted: true });
    const byId = new Map(pools.map(p => [p.id, p]));
    const result: SweepResult = {
      ghostRunners: 0,
      ghostManagers: 0,
      unregisteredVms: 0,
      runnersDeleted: 0,
      managersDeleted: 0,
      vmsReplaced: 0,
      staleSkipped: 0,
    };
    await this.#sweepRunners(byId, result);
    for (const pool of pools) {
      if (
        pool.deletedAt ||
        !isLivePoolState(pool.state) ||
        pool.gitlabRunnerId === undefined
      )
        continue;
      await this.#sweepPool(pool, result);
    }
    this.#last = result;
    this.#removedTotal +=
      result.runnersDeleted + result.managersDeleted + result.vmsReplaced;
    return result;
  }

  async #sweepRunners(pools: Map<string, PoolRecord>, result: SweepResult) {
    const { ci, logger } = this.#deps;
    for (const runner of await ci.listFleetRunners()) {
      const pool = runner.poolId ? pools.get(runner.poolId) : undefined;
      const orphaned =
        !pool || !!pool.deletedAt || !isLivePoolState(pool.state);
      // A runner of a live pool that has none recorded is being adopted by the reconciler.
      const duplicate =
        !!pool &&
        pool.gitlabRunnerId !== undefined &&
        pool.gitlabRunnerId !== runner.id &&
        pool.state !== 'deleting';
      if (!orphaned && !duplicate) continue;
      result.ghostRunners++;
      logger.info(
        `ghost sweeper: deleting GitLab runner ${runner.id} (${
          orphaned ? 'its pool is gone' : "a duplicate of the pool's runner"
        })`,
      );
      await ci.deleteRunner(runner.id);
      result.runnersDeleted++;
    }
  }

  async #sweepPool(pool: PoolRecord, result: SweepResult) {
    const { ci, poller, fleet, logger, clock } = this.#deps;
    const snapshot = poller.snapshot(pool.id);
    if (!snapshot || snapshot.runnerId !== pool.gitlabRunnerId) return;
    const now = clock();
    // Old data would show a manager whose VM was just created as a ghost, or a VM that has
    // registered since as never registered: act only on what is recent enough.
    const dataAge = snapshotAgeMs(snapshot, now);
    if (dataAge > this.#deps.maxDataAgeMs) {
      result.staleSkipped++;
      logger.debug(
        `ghost sweeper: pool ${pool.team}/${
          pool.name
        } skipped: its CI data is ${Math.round(dataAge / 1000)} s old`,
      );
      return;
    }
    const vmis = fleet.vmisOf(pool.id);
    // Pair by the system_id the VM's guest wrote for gitlab-runner, never by the VMI name.
    const systemIdOf = (vmi: CachedObject) =>
      vmiRunnerSystemId(vmi, pool.flavor.os);
    const live = new Set(vmis.map(v => systemIdOf(v.vmi)));
    let runnerToken: string | undefined;
    for (const manager of snapshot.managers) {
      if (
        live.has(manager.systemId) ||
        this.#removed.has(`${pool.id}/${manager.systemId}`)
      )
        continue;
      const age = manager.createdAt
        ? now - new Date(manager.createdAt).getTime()
        : Infinity;
      if (age < this.#deps.managerGraceMs) continue;
      result.ghostManagers++;
      logger.info(
        `ghost sweeper: removing runner manager ${manager.systemId} of pool ${pool.team}/${pool.name}: its VM is gone`,
      );
      runnerToken ??= await fleet.runnerToken(pool);
      await ci.deleteManager(pool.gitlabRunnerId!, manager.systemId, {
        runnerToken,
      });
      // The poller's snapshot may still list it until its next round.
      this.#removed.add(`${pool.id}/${manager.systemId}`);
      result.managersDeleted++;
    }
    const registered = new Set(snapshot.managers.map(m => m.systemId));
    for (const { cluster, vmi } of vmis) {
      const status = (vmi.status ?? {}) as { phase?: string };
      const createdAt = vmi.metadata.creationTimestamp
        ? new Date(vmi.metadata.creationTimestamp).getTime()
        : now;
      const systemId = systemIdOf(vmi);
      if (
        status.phase !== 'Running' ||
        (systemId !== undefined && registered.has(systemId))
      )
        continue;
      // Judge by when GitLab was read, not by now: the VM must have had the whole timeout to
      // register before the snapshot that lacks it was taken.
      if (snapshot.polledAt - createdAt < this.#deps.registrationTimeoutMs)
        continue;
      result.unregisteredVms++;
      logger.warn(
        `ghost sweeper: VM ${vmi.metadata.name} of pool ${pool.team}/${pool.name} never registered with GitLab; replacing it`,
      );
      await fleet.replaceVm(
        cluster,
        pool.flavor.os,
        vmi.metadata.namespace ?? '',
        vmi.metadata.name,
      );
      result.vmsReplaced++;
    }
  }
}
