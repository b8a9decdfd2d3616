import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { RolloutRecord } from '../../database/RolloutStore';

/** What the rollout metrics are told after each pass that looked at a pool's rollout. */
export interface RolloutMetrics {
  observe(poolId: string, rollout: RolloutRecord, retired: number): void;
}

/**
 * Rollout metrics through Backstage's metrics service (OpenTelemetry, exported for Prometheus):
 * - `runners.rollout.vms_outdated` (gauge, per pool and phase): VMs still on an old template;
 * - `runners.rollout.vms_replaced` (counter): VMs retired by rollouts;
 * - `runners.rollout.duration` (histogram, seconds, by outcome): start to finish of each rollout.
 *
 * Jobs cut are counted by `runners.jobs.interrupted` (FleetMetrics), from what GitLab says: the
 * backend never cuts a job itself (busy VMs drain through the guest's graceful shutdown), but a
 * job still running when a VM's grace period ends fails as `runner_system_failure` or, an hour
 * after its last update, `stuck_or_timeout_failure`. The fleet simulator also counts them per
 * VM (`jobsCut`).
 */
export function registerRolloutMetrics(
  metrics: MetricsService,
): RolloutMetrics {
  const outdated = metrics.createObservableGauge(
    'runners.rollout.vms_outdated',
    {
      description:
        'Runner VMs on an outdated template, per pool and rollout phase',
    },
  );
  const replaced = metrics.createCounter('runners.rollout.vms_replaced', {
    description: 'Runner VMs retired by rollouts',
  });
  const duration = metrics.createHistogram('runners.rollout.duration', {
    description: 'Time from the start to the end of a pool rollout',
    unit: 's',
  });
  const latest = new Map<string, RolloutRecord>();
  outdated.addCallback(result => {
    for (const [pool, r] of latest) {
      result.observe(r.vms.outdated + r.vms.draining, {
        pool,
        phase: r.phase,
      });
    }
  });
  return {
    observe(poolId, rollout, retired) {
      const before = latest.get(poolId);
      latest.set(poolId, rollout);
      if (retired > 0) replaced.add(retired);
      const finished =
        rollout.phase === 'stable' &&
        rollout.startedAt &&
        rollout.finishedAt &&
        before?.finishedAt !== rollout.finishedAt &&
        before !== undefined &&
        before.phase !== 'stable';
      if (finished) {
        duration.record(
          (new Date(rollout.finishedAt!).getTime() -
            new Date(rollout.startedAt!).getTime()) /
            1000,
          { outcome: rollout.reason },
        );
      }
    },
  };
}
