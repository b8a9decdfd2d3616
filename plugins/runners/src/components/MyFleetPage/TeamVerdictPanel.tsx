import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { TeamHealth, teamVerdict } from '@runner-fleet/plugin-runners-common';
import {
  formatCost,
  formatPercent,
  formatSeconds,
  useAdvice,
  useFlavors,
  useShowback,
} from '@runner-fleet/plugin-runners-react';
import { useRunnersConfig } from '../../hooks/useRunnersConfig';
import { WaitTrend } from './WaitTrend';

const HEADLINE = {
  healthy: { Status: StatusOK, text: 'Healthy' },
  degraded: { Status: StatusWarning, text: 'Degraded' },
  failing: { Status: StatusError, text: 'Failing' },
};

function monthStart(): string {
  const now = new Date();
  return new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
  ).toISOString();
}

/**
 * The team's verdict and what a lead reads first: runners, waiting jobs, busiest and idlest
 * pool, cost and the top advice. Showback and advice are optional: without them those lines
 * are left out.
 */
export function TeamVerdictPanel(props: { health: TeamHealth }) {
  const { team } = props.health;
  const { costUnit } = useRunnersConfig();
  const advice = useAdvice(team);
  const showback = useShowback({ from: monthStart(), team });
  const flavors = useFlavors();
  const costWeights = Object.fromEntries(
    (flavors.value?.flavors ?? []).map(f => [f.name, f.costWeight]),
  );
  const v = teamVerdict({
    health: props.health,
    advice: advice.value,
    showback: showback.value,
    costWeights,
  });
  const { Status, text } = HEADLINE[v.level];
  // The pool whose jobs waited longest (p95 over 24 h) gets the trend line.
  const slowest = [...props.health.pools]
    .filter(p => p.queue.waitSeconds.p95 !== undefined)
    .sort(
      (a, b) => (b.queue.waitSeconds.p95 ?? 0) - (a.queue.waitSeconds.p95 ?? 0),
    )[0];
  const load = (l?: { name: string; utilization: number }) =>
    l ? `${l.name} (${formatPercent(l.utilization)})` : '–';
  return (
    <Box mb={2} aria-label="Team verdict" role="region">
      <Typography variant="h6" component="h3">
        <Status>{text}</Status>
      </Typography>
      <ul aria-label="Reasons">
        {v.reasons.map(r => (
          <li key={`${r.code}-${r.poolId ?? ''}`} data-code={r.code}>
            <Typography variant="body2">{r.message}</Typography>
          </li>
        ))}
      </ul>
      <Typography variant="body2">
        Runners: {v.runners.online} online · {v.runners.offline} offline ·{' '}
        {v.runners.stale} stale. Jobs waiting: {v.queue.pending}; queue wait (24
        h, slowest pool) p50 {formatSeconds(v.queue.waitSeconds.p50)} · p90{' '}
        {formatSeconds(v.queue.waitSeconds.p90)} · p99{' '}
        {formatSeconds(v.queue.waitSeconds.p99)}.
      </Typography>
      {slowest && <WaitTrend poolId={slowest.poolId} poolName={slowest.name} />}
      <Typography variant="body2">
        Busiest pool: {load(v.busiest)} · idlest: {load(v.idlest)}. Cost:{' '}
        {formatCost(v.cost.last24h)} {costUnit} in 24 h
        {v.cost.monthToDate !== undefined &&
          `, ${formatCost(v.cost.monthToDate)} ${costUnit} this month`}
        {v.cost.monthToDatePrice !== undefined &&
          ` (${v.cost.monthToDatePrice.toFixed(2)} ${v.cost.currency})`}
        .
      </Typography>
      {v.topAdvice && (
        <Typography variant="body2">Advice: {v.topAdvice.title}</Typography>
      )}
    </Box>
  );
}
