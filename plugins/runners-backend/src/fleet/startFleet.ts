import {
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { ClusterApiHealth, LABELS } from '@runner-fleet/plugin-runners-common';
import { CiProvider } from '@runner-fleet/plugin-runners-node';
import { RunnersConfig } from '../config';
import { UsageStore } from '../database/UsageStore';
import { HistoryStore } from '../database/HistoryStore';
import { PoolStore } from '../database/PoolStore';
import { CachedClusterClient } from '../provisioning/cache/CachedClusterClient';
import { ClusterWatches } from '../provisioning/cache/ReconcilerCache';
import { ConnectedCluster } from '../provisioning/connectClusters';
import { Reconciler } from '../provisioning/Reconciler';
import { ReconcileWorker } from '../provisioning/ReconcileWorker';
import { ReconcileQueue } from '../database/ReconcileQueue';
import type { RequestBudget } from '../ci/GitLabBudget';
import { RolloutStore } from '../database/RolloutStore';
import { registerRolloutMetrics } from '../provisioning/rollout/RolloutMetrics';
import { CiPoller } from './CiPoller';
import { FleetCache } from './FleetCache';
import { FleetService } from './FleetService';
import { GhostSweeper } from './GhostSweeper';
import { registerFleetMetrics } from './FleetMetrics';

/** What decides the fleet cache's watches: the VirtualMachinePool version and what is missing. */
function servedShape(report: ClusterApiHealth): string {
  return JSON.stringify([
    report.vmPoolVersion,
    report.missing.map(m => m.kind),
  ]);
}

/** Seconds between refreshes of the fleet view, each one CI poll round. */

/** The running fleet machinery: what the API needs from it. */
export interface Fleet {
  /** A change to the pool was committed (and queued with it): look at the queue now. */
  kick(poolId: string): void;
  health: FleetService;
}

/**
 * Starts the reconciler, the watch cache, the CI poller and the ghost sweeper on the
 * scheduler. Without a primary cluster or a CI provider, pools wait with a reason that says
 * what to configure.
 */
export async function startFleet(options: {
  config: RunnersConfig;
  store: PoolStore;
  queue: ReconcileQueue;
  /** The fleet history in the plugin database, shared by every replica. */
  history: HistoryStore;
  /** CPU and memory use per pool and hour; pruned with the hour history. */
  usage?: UsageStore;
  /** Rollout state per pool; without it, outdated VMs are left to scale-in. */
  rollouts?: RolloutStore;
  ci?: CiProvider;
  /** The GitLab budget `ci` spends (when it is GitLab), so the poller plans its rounds in it. */
  budget?: RequestBudget;
  clusters: ConnectedCluster[];
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  logger: LoggerService;
  metrics?: MetricsService;
}): Promise<Fleet> {
  const { config, store, queue, ci, clusters, scheduler, lifecycle, logger } =
    options;
  const primary = clusters.find(c => c.target.role === 'primary');
  const burst = clusters.find(c => c.target.role === 'burst');
  const cache = FleetCache.create({
    clusters: clusters.map(c => ({
      name: c.target.name,
      kubeConfig: c.kubeConfig,
      apis: c.apis,
    })),
    logger,
  });
  // What the reconciler reads (its objects, trimmed; Secrets without values), so an idle pass
  // makes no request. Until a watch has listed, its kind is read from the API server.
  const watches = clusters.map(
    c =>
      new ClusterWatches(
        { name: c.target.name, kubeConfig: c.kubeConfig, apis: c.apis },
        logger,
      ),
  );
  const poller = CiPoller.create({
    ci,
    logger,
    budget: options.budget,
    roundSeconds: config.schedules.refreshSeconds,
  });
  const health = FleetService.create({
    store,
    cache,
    poller,
    history: options.history,
    clusters: {
      primary: primary?.target.name ?? 'none',
      burst: burst?.target.name,
    },
    apis: clusters.map(c => c.apis),
    logger,
  });

  const counters =
    options.metrics && registerFleetMetrics(options.metrics, health);
  const rolloutMetrics =
    options.metrics && registerRolloutMetrics(options.metrics);
  lifecycle.addShutdownHook(() => cache.stop());
  lifecycle.addShutdownHook(async () => {
    await Promise.all(watches.map(w => w.stop()));
  });
  // What each cluster serves decides which VirtualMachinePool version the cache watches (and
  // the renderers write), so read it first; refresh() never throws. Again on every reconnect: a
  // cluster that was away may have been upgraded, e.g. from v1alpha1 to v1beta1 pools.
  Promise.all(clusters.map(c => c.apis.refresh()))
    .then(() => Promise.all([cache.start(), ...watches.map(w => w.start())]))
    .catch(error => logger.warn('fleet cache did not start', error));
  cache.onReconnect(name => {
    const check = clusters.find(c => c.target.name === name)?.apis;
    if (!check) return;
    const before = servedShape(check.report);
    check
      .refresh()
      .then(async report => {
        if (servedShape(report) === before) return;
        await cache.rewatch(name);
        const w = watches.find(x => x.name === name);
        await w?.stop();
        await w?.start();
      })
      .catch(error =>
        logger.warn(`cluster '${name}': re-reading served APIs failed`, error),
      );
  });
  await scheduler.scheduleTask({
    id: 'runners-fleet-refresh',
    ...config.schedules.tasks.refresh,
    fn: () => health.refresh(),
  });
  // Every replica refreshes its own cache above; one replica at a time samples it into the
  // shared history. A second sample of the same minute replaces the first.
  await scheduler.scheduleTask({
    id: 'runners-history-sample',
    ...config.schedules.tasks.historySample,
    fn: () => health.recordHistory(),
  });
  await scheduler.scheduleTask({
    id: 'runners-history-prune',
    ...config.schedules.tasks.historyPrune,
    fn: async () => {
      const pruned = await health.pruneHistory();
      const usage = (await options.usage?.prune(Date.now())) ?? 0;
      logger.debug(
        `fleet history: pruned ${pruned.minutes} minute, ${pruned.hours} hour and ${usage} usage rows`,
      );
    },
  });

  // Pool events and deleted pools would otherwise grow without bound (every scale step and
  // every pool ever deleted stayed in the tables the API and the sweeper scan).
  await scheduler.scheduleTask({
    id: 'runners-store-prune',
    ...config.schedules.tasks.storePrune,
    fn: async () => {
      const day = 86_400_000;
      const now = Date.now();
      const events = await store.pruneEvents({
        olderThan: new Date(now - config.retention.eventDays * day),
        keepPerPool: config.retention.eventsPerPool,
      });
      const pools = await store.pruneDeletedPools({
        deletedBefore: new Date(now - config.retention.deletedPoolDays * day),
      });
      logger.debug(
        `store: pruned ${events} pool events and ${pools} deleted pools`,
      );
    },
  });

  if (!primary || !ci) {
    const missing = !primary
      ? 'a primary cluster (runners.clusters)'
      : 'GitLab (runners.gitlab)';
    logger.warn(
      `runner pools will not be provisioned: ${missing} is not configured or not reachable`,
    );
    const say = async (poolId: string) => {
      const pool = await store.getPool(poolId);
      if (pool?.state !== 'provisioning') return;
      await store.updatePool(
        poolId,
        pool.version,
        {},
        {
          state: 'provisioning',
          code: 'NotConfigured',
          reason: `waiting: ${missing} is not configured`,
        },
      );
    };
    return {
      health,
      kick: poolId => {
        health.poolChanged();
        say(poolId).catch(error => logger.warn(`pool ${poolId}`, error));
      },
    };
  }

  const reconciler = Reconciler.create({
    store,
    ci,
    clusters: clusters.map(
      (c, i) => new CachedClusterClient(c.client, watches[i]),
    ),
    config,
    logger,
    runnerState: pool => poller.runnerState(pool),
    vmStatus: poolId => health.primaryVmStatus(poolId),
    rollouts: options.rollouts,
    onPass: result => {
      if (result instanceof Error) {
        counters?.reconciled('error', 0, 0);
        return;
      }
      counters?.reconciled('ok', result.applied, result.deleted);
      if (result.rollout) {
        rolloutMetrics?.observe(
          result.poolId,
          result.rollout,
          result.vmsRetired ?? 0,
        );
      }
    },
  });
  const worker = ReconcileWorker.create({
    queue,
    reconciler,
    logger,
    options: {
      resyncMs: config.reconcilerIntervalSeconds * 1000,
      concurrency: config.reconcilerConcurrency,
      leaseMs: config.reconcilerLeaseSeconds * 1000,
    },
  });
  worker.start();
  lifecycle.addShutdownHook(() => worker.stop());
  const sweeper = GhostSweeper.create({
    ci,
    store,
    poller,
    logger,
    fleet: {
      vmisOf: poolId => health.vmisOf(poolId),
      replaceVm: (cluster, os, namespace, name) =>
        reconciler.replaceVm(cluster, os, namespace, name),
      runnerToken: pool => reconciler.runnerToken(pool),
    },
  });
  health.attachSweeper(sweeper);

  await scheduler.scheduleTask({
    id: 'runners-ghost-sweeper',
    ...config.schedules.tasks.ghostSweeper,
    fn: async () => {
      counters?.swept(await sweeper.sweep());
    },
  });
  // A workload's status changed (VMs became ready, KEDA scaled): let the reconciler update the
  // pool's state now rather than at its next pass. Debounced per pool.
  const pending = new Map<string, NodeJS.Timeout>();
  cache.onChange((_cluster, kind, object) => {
    const poolId = object.metadata.labels?.[LABELS.pool];
    if (
      !poolId ||
      (kind !== 'replicaSets' && kind !== 'vmPools') ||
      pending.has(poolId)
    )
      return;
    pending.set(
      poolId,
      setTimeout(() => {
        pending.delete(poolId);
        worker
          .kick(poolId)
          .catch(error => logger.warn(`could not queue pool ${poolId}`, error));
      }, 1000).unref(),
    );
  });
  lifecycle.addShutdownHook(() =>
    pending.forEach(timer => clearTimeout(timer)),
  );
  // The change that calls this has already queued its pool in the same transaction.
  return {
    health,
    kick: () => {
      health.poolChanged();
      worker.wake();
    },
  };
}
