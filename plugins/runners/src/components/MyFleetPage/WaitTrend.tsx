import Typography from '@material-ui/core/Typography';
import { PoolHealthDetail } from '@runner-fleet/plugin-runners-common';
import {
  formatSeconds,
  usePoolHealth,
} from '@runner-fleet/plugin-runners-react';

const WIDTH = 160;
const HEIGHT = 28;

/** The waits of a 24 h history that had jobs, oldest first. */
export function waitSeries(
  history: PoolHealthDetail['history'],
): Array<{ at: string; wait: number }> {
  return history
    .filter(p => p.waitP95 !== undefined)
    .map(p => ({ at: p.at, wait: p.waitP95! }));
}

/**
 * A sparkline of one pool's queue wait (p95 per history bucket) over the last 24 h, from its
 * health history; the label says first, last and highest for those who cannot see it.
 */
export function WaitTrend(props: { poolId: string; poolName: string }) {
  const detail = usePoolHealth(props.poolId);
  const series = waitSeries(detail.value?.history ?? []);
  if (series.length < 2) return null;
  const highest = Math.max(...series.map(p => p.wait));
  const y = (w: number) =>
    highest > 0 ? HEIGHT - 2 - (w / highest) * (HEIGHT - 4) : HEIGHT / 2;
  const points = series
    .map((p, i) => `${(i / (series.length - 1)) * WIDTH},${y(p.wait)}`)
    .join(' ');
  const label = `Queue wait p95 of ${props.poolName} over 24 h: ${formatSeconds(
    series[0].wait,
  )} then ${formatSeconds(
    series[series.length - 1].wait,
  )} now, highest ${formatSeconds(highest)}`;
  return (
    <Typography variant="body2" component="div">
      24 h trend ({props.poolName}):{' '}
      <svg
        role="img"
        aria-label={label}
        width={WIDTH}
        height={HEIGHT}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        style={{ verticalAlign: 'middle' }}
      >
        <title>{label}</title>
        <polyline
          points={points}
          fill="none"
          stroke="currentColor"
          strokeWidth={1.5}
        />
      </svg>
    </Typography>
  );
}
