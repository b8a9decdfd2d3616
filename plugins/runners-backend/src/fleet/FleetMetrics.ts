import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { PoolRecord } from '../database/PoolStore';
import { FleetService } from './FleetService';
import { SweepResult } from './GhostSweeper';

/** Counters the reconciler and sweeper report into. */
export interface FleetCounters {
  reconciled(result: 'ok' | 'error', applied: number, deleted: number): void;
  swept(result: SweepResult): void;
}

/**
 * Fleet gauges and reconciler/sweeper counters through Backstage's metrics service
 * (OpenTelemetry; exported for Prometheus by the backend's instrumentation).
 */
export function registerFleetMetrics(
  metrics: MetricsService,
  fleet: FleetService,
): FleetCounters {
  const pools = metrics.createObservableGauge('runners.pools', {
    description: 'Runner pools by state',
  });
  const vms = metrics.createObservableGauge('runners.vms', {
    description: 'Runner VMs by team, pool and readiness',
  });
  const slots = metrics.createObservableGauge('runners.job_slots', {
    description: 'Job slots by team, pool and use (busy|total)',
  });
  const pending = metrics.createObservableGauge('runners.pending_jobs', {
    description: 'Pending jobs a pool could take',
  });
  const dataAge = metrics.createObservableGauge(
    'runners.ci.snapshot_oldest_age',
    {
      description:
        'Age of the oldest CI snapshot (jobs, runner managers) among live pools; KEDA and the sweeper act on data this old',
      unit: 's',
    },
  );
  const interrupted = metrics.createObservableGauge(
    'runners.jobs.interrupted',
    {
      description:
        "Jobs cut in the last 24 h because their runner VM went away under them (GitLab's runner_system_failure or stuck_or_timeout_failure), by team and pool",
    },
  );
  const goldenImages = metrics.createObservableGauge(
    'runners.pools.golden_image_outdated',
    {
      description:
        'Windows pools on an older golden image version than their DataSource names now (reason GoldenImageOutdated), by flavor; a fleet rollout of the flavor moves them',
    },
  );
  dataAge.addCallback(result => {
    const age = fleet.oldestDataAgeSeconds();
    if (age !== undefined) result.observe(age);
  });

  // One read of the current pools per scrape, shared by the gauges' callbacks.
  let scrape: { at: number; data: Promise<PoolRecord[]> } | undefined;
  const currentPools = () => {
    const now = Date.now();
    if (!scrape || now - scrape.at > 1000) {
      scrape = { at: now, data: fleet.currentPools() };
    }
    return scrape.data;
  };
  const health = async () =>
    fleet.teams(await currentPools()).flatMap(t => t.pools);
  pools.addCallback(async result => {
    const byState = new Map<string, number>();
    for (const p of await currentPools())
      byState.set(p.state, (byState.get(p.state) ?? 0) + 1);
    for (const [state, count] of byState) result.observe(count, { state });
  });
  vms.addCallback(async result => {
    for (const p of await health()) {
      result.observe(p.replicas.current + p.burst.replicas, {
        team: p.team,
        pool: p.name,
        ready: 'false',
      });
      result.observe(p.replicas.ready + p.burst.ready, {
        team: p.team,
        pool: p.name,
        ready: 'true',
      });
    }
  });
  slots.addCallback(async result => {
    for (const p of await health()) {
      result.observe(p.utilization.busySlots, {
        team: p.team,
        pool: p.name,
        use: 'busy',
      });
      result.observe(p.utilization.totalSlots, {
        team: p.team,
        pool: p.name,
        use: 'total',
      });
    }
  });
  pending.addCallback(async result => {
    for (const p of await health())
      result.observe(p.queue.pending, { team: p.team, pool: p.name });
  });
  goldenImages.addCallback(async result => {
    const byFlavor = new Map<string, number>();
    for (const p of await currentPools()) {
      if (p.stateCode !== 'GoldenImageOutdated') continue;
      byFlavor.set(p.flavor.name, (byFlavor.get(p.flavor.name) ?? 0) + 1);
    }
    for (const [flavor, count] of byFlavor) result.observe(count, { flavor });
  });
  interrupted.addCallback(async result => {
    for (const p of await currentPools())
      result.observe(fleet.jobsInterrupted24h(p.id), {
        team: p.team,
        pool: p.name,
      });
  });

  const passes = metrics.createCounter('runners.reconciler.passes', {
    description: 'Reconciler passes over a pool, by result',
  });
  const writes = metrics.createCounter('runners.reconciler.writes', {
    description: 'Objects the reconciler applied or deleted',
  });
  const removed = metrics.createCounter('runners.sweeper.removed', {
    description: 'Ghosts the sweeper removed, by kind',
  });
  return {
    reconciled(result, applied, deleted) {
      passes.add(1, { result });
      if (applied) writes.add(applied, { action: 'apply' });
      if (deleted) writes.add(deleted, { action: 'delete' });
    },
    swept(result) {
      if (result.runnersDeleted)
        removed.add(result.runnersDeleted, { kind: 'runner' });
      if (result.managersDeleted)
        removed.add(result.managersDeleted, { kind: 'manager' });
      if (result.vmsReplaced) removed.add(result.vmsReplaced, { kind: 'vm' });
    },
  };
}
