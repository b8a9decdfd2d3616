import {
  Gauge,
  InfoCard,
  StructuredMetadataTable,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { PoolHealth } from '@runner-fleet/plugin-runners-common';
import {
  formatCost,
  formatPercent,
  formatSeconds,
} from '@runner-fleet/plugin-runners-react';
import { useRunnersConfig } from '../../hooks/useRunnersConfig';
import { age } from './VmsTable';

/** Show the metadata keys as written (the default start-cases them: 'V Ms Ready'). */
const KEEP_TITLES = { titleFormat: (key: string) => key };

/** The scaler in words; a pool that runs nothing yet must not read like an idle, healthy one. */
export function scalerText(h: PoolHealth): string {
  if (h.state === 'pending-approval' || h.state === 'rejected')
    return 'not started: nothing runs until the pool is approved';
  if (h.state === 'deleting')
    return 'stopped: the pool is being deleted and takes no new jobs';
  if (h.state === 'provisioning' && h.replicas.ready === 0)
    return 'not running yet: waiting for the first VM to register its runner';
  if (h.scaler.ready === false)
    return 'not ready: KEDA cannot scale this pool yet';
  if (!h.scaler.active) {
    return `idle: no jobs waiting or running, holding ${h.replicas.min} VMs`;
  }
  const parts = [`active, wants ${h.scaler.desired ?? h.replicas.desired} VMs`];
  if (h.scaler.atMax) parts.push('at its maximum');
  if (h.scaler.lastScaleTime)
    parts.push(`last scaled ${age(h.scaler.lastScaleTime)} ago`);
  return parts.join(', ');
}

/**
 * Seconds after which CI data is called stale: the ghost sweeper stops acting on it then (see
 * the backend's README, GitLab budget).
 */
export const STALE_CI_DATA_SECONDS = 300;

/**
 * How old the CI figures (jobs, queue, busy slots) are: the poller spreads GitLab requests over
 * the budget, so at scale they can be minutes old, and the page says so.
 */
export function ciDataAge(seconds: number | undefined): string {
  if (seconds === undefined) return 'not read from GitLab yet';
  const when =
    seconds < 90
      ? `${Math.round(seconds)} s ago`
      : `${Math.round(seconds / 60)} min ago`;
  return seconds > STALE_CI_DATA_SECONDS
    ? `stale: from ${when} (GitLab budget; the sweeper waits for fresher data)`
    : `from ${when}`;
}

/** What the utilisation means against the pool's target. */
export type UtilisationBand = 'idle' | 'on target' | 'saturated';

/**
 * Idle below half the target, saturated from 90% of the slots (jobs start to wait), on target
 * between. The gauge's colours follow the band, not Backstage's default (low = red).
 */
export function utilisationBand(now: number, target: number): UtilisationBand {
  if (now >= 0.9) return 'saturated';
  if (now < target / 2) return 'idle';
  return 'on target';
}

/** The pool's numbers now: utilisation gauge, VMs, queue, boot time, scaler, burst, cost. */
export function PoolSummary(props: {
  health: PoolHealth;
  /** The pool's target utilisation, 0–1 (spec.autoscaling.targetUtilization). */
  target: number;
}) {
  const h = props.health;
  const band = utilisationBand(h.utilization.now, props.target);
  const { costUnit } = useRunnersConfig();
  const ghosts = h.ghosts.runners + h.ghosts.managers + h.ghosts.vms;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} sm={4} md={3}>
        <InfoCard title="Utilisation now" variant="gridItem">
          <Box maxWidth={180} mx="auto">
            <Gauge
              value={h.utilization.now}
              getColor={({ palette }) => {
                if (band === 'saturated') return palette.status.warning;
                if (band === 'idle') return palette.status.pending;
                return palette.status.ok;
              }}
              description={`${h.utilization.busySlots} of ${h.utilization.totalSlots} job slots busy`}
            />
          </Box>
          <Box textAlign="center">
            {band} · target {formatPercent(props.target)}
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12} sm={8} md={5}>
        <InfoCard title="Capacity" variant="gridItem">
          <StructuredMetadataTable
            dense
            options={KEEP_TITLES}
            metadata={{
              'VMs ready / desired': `${h.replicas.ready} / ${h.replicas.desired} (min ${h.replicas.min}, max ${h.replicas.max})`,
              'VM phases':
                Object.entries(h.vmPhases)
                  .map(([phase, n]) => `${n} ${phase}`)
                  .join(', ') || 'none',
              Scaler: scalerText(h),
              Burst: h.burst.enabled
                ? `${h.burst.ready} of ${h.burst.replicas} burst VMs ready`
                : 'off',
              'Average utilisation': `1 h ${formatPercent(
                h.utilization.avg1h,
              )} · 24 h ${formatPercent(h.utilization.avg24h)}`,
            }}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={4}>
        <InfoCard title="Jobs and cost" variant="gridItem">
          <StructuredMetadataTable
            dense
            options={KEEP_TITLES}
            metadata={{
              'CI data': ciDataAge(h.dataAgeSeconds),
              'Jobs waiting': String(h.queue.pending),
              'Queue wait p50 / p95': `${formatSeconds(
                h.queue.waitSeconds.p50,
              )} / ${formatSeconds(h.queue.waitSeconds.p95)}`,
              'Boot time p50 / p95': `${formatSeconds(
                h.bootSeconds.p50,
              )} / ${formatSeconds(h.bootSeconds.p95)}`,
              'Failed boots': String(h.failedBoots),
              Ghosts: ghosts
                ? `${h.ghosts.runners} runners, ${h.ghosts.managers} managers, ${h.ghosts.vms} VMs`
                : 'none',
              'Cost 24 h / 30 d': `${formatCost(
                h.cost.weighted24h,
              )} / ${formatCost(h.cost.weighted30d)} ${costUnit}`,
            }}
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
