import { InfoCard } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { PoolHealthDetail } from '@runner-fleet/plugin-runners-common';
import {
  formatPercent,
  formatSeconds,
} from '@runner-fleet/plugin-runners-react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

type Sample = PoolHealthDetail['history'][number];

const time = (at: string) =>
  new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function peak(samples: Sample[], pick: (s: Sample) => number | undefined) {
  let best: Sample | undefined;
  for (const s of samples) {
    const v = pick(s);
    if (v !== undefined && (best === undefined || v > (pick(best) ?? -1)))
      best = s;
  }
  return best;
}

/** Utilisation and queue wait over the last 24 hours. */
export function PoolCharts(props: { history: Sample[] }) {
  const { history } = props;
  const theme = useTheme();
  if (history.length === 0) {
    return (
      <InfoCard title="Last 24 hours">
        <Typography color="textSecondary">
          No samples yet; the fleet records one every few seconds once the pool
          runs.
        </Typography>
      </InfoCard>
    );
  }
  const busiest = peak(history, s => s.utilization);
  const slowest = peak(history, s => s.waitP95);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <InfoCard
          title="Utilisation, last 24 h"
          subheader={
            busiest &&
            `Peak ${formatPercent(busiest.utilization)} at ${time(busiest.at)}`
          }
        >
          <ResponsiveContainer width="100%" height={220}>
            <AreaChart data={history}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="at" tickFormatter={time} minTickGap={40} />
              <YAxis domain={[0, 1]} tickFormatter={v => formatPercent(v)} />
              <Tooltip
                labelFormatter={l => time(String(l))}
                formatter={v => formatPercent(Number(v))}
              />
              <Area
                type="monotone"
                dataKey="utilization"
                name="Utilisation"
                stroke={theme.palette.primary.main}
                fill={theme.palette.primary.light}
                isAnimationActive={false}
              />
            </AreaChart>
          </ResponsiveContainer>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard
          title="Queue wait p95 and waiting jobs, last 24 h"
          subheader={
            slowest &&
            `Longest p95 wait ${formatSeconds(slowest.waitP95)} at ${time(
              slowest.at,
            )}`
          }
        >
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={history}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="at" tickFormatter={time} minTickGap={40} />
              <YAxis yAxisId="wait" tickFormatter={v => formatSeconds(v)} />
              <YAxis
                yAxisId="pending"
                orientation="right"
                allowDecimals={false}
              />
              <Tooltip labelFormatter={l => time(String(l))} />
              <Line
                yAxisId="wait"
                type="monotone"
                dataKey="waitP95"
                name="Wait p95 (s)"
                stroke={theme.palette.secondary.main}
                dot={false}
                isAnimationActive={false}
              />
              <Line
                yAxisId="pending"
                type="stepAfter"
                dataKey="pending"
                name="Waiting jobs"
                stroke={theme.palette.text.secondary}
                dot={false}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        </InfoCard>
      </Grid>
    </Grid>
  );
}
