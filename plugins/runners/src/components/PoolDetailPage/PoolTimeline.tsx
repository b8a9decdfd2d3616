import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import Timeline from '@material-ui/lab/Timeline';
import TimelineConnector from '@material-ui/lab/TimelineConnector';
import TimelineContent from '@material-ui/lab/TimelineContent';
import TimelineDot from '@material-ui/lab/TimelineDot';
import TimelineItem from '@material-ui/lab/TimelineItem';
import TimelineOppositeContent from '@material-ui/lab/TimelineOppositeContent';
import TimelineSeparator from '@material-ui/lab/TimelineSeparator';
import { FleetEvent } from '@runner-fleet/plugin-runners-common';

const DOT: Record<
  FleetEvent['kind'],
  'primary' | 'secondary' | 'grey' | 'inherit'
> = {
  state: 'primary',
  scale: 'grey',
  vm: 'grey',
  ghost: 'secondary',
  error: 'secondary',
};

const when = (at: string) =>
  new Date(at).toLocaleString([], {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

/** What happened to the pool, newest first. */
export function PoolTimeline(props: { events: FleetEvent[]; limit?: number }) {
  const events = [...props.events]
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, props.limit ?? 30);
  return (
    <InfoCard title="Timeline">
      {events.length === 0 ? (
        <Typography color="textSecondary">Nothing has happened yet.</Typography>
      ) : (
        <Timeline align="left" aria-label="Pool timeline">
          {events.map((e, i) => (
            <TimelineItem key={`${e.at}-${i}`}>
              <TimelineOppositeContent style={{ flex: 0.25 }}>
                <Typography variant="caption" color="textSecondary">
                  {when(e.at)}
                </Typography>
              </TimelineOppositeContent>
              <TimelineSeparator>
                <TimelineDot
                  color={DOT[e.kind] ?? 'grey'}
                  variant={e.kind === 'error' ? 'default' : 'outlined'}
                />
                {i < events.length - 1 && <TimelineConnector />}
              </TimelineSeparator>
              <TimelineContent>
                <Typography
                  variant="body2"
                  color={e.kind === 'error' ? 'error' : 'initial'}
                >
                  {e.message}
                </Typography>
              </TimelineContent>
            </TimelineItem>
          ))}
        </Timeline>
      )}
    </InfoCard>
  );
}
