import {
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { runnersFleetReadPermission } from '@runner-fleet/plugin-runners-common';
import {
  runnersApiRef,
  useAdvice,
  useAdviceSources,
  useMyTeams,
  useShowback,
} from '@runner-fleet/plugin-runners-react';
import { useMemo, useState } from 'react';
import { usePageTextStyles } from '../a11y/contrast';
import { AdviceList } from './AdviceList';
import { ShowbackTable } from './ShowbackTable';

const DAY = 24 * 3_600_000;
const PERIODS = [7, 30, 90];

/**
 * "What did we spend, when do we wait, what should we change": showback of the caller's teams
 * (or, for the platform team, of every team) and right-sizing advice with apply and dismiss.
 */
export function CapacityPage() {
  const api = useApi(runnersApiRef);
  const fleet = usePermission({ permission: runnersFleetReadPermission });
  const myTeams = useMyTeams();
  const pageText = usePageTextStyles();
  const [days, setDays] = useState(30);
  const [team, setTeam] = useState<string>('');
  const from = useMemo(
    () =>
      new Date(
        Math.floor((Date.now() - days * DAY) / 3_600_000) * 3_600_000,
      ).toISOString(),
    [days],
  );
  const showback = useShowback({ from, team: team || undefined });
  const advice = useAdvice(team || undefined);
  const sources = useAdviceSources();

  const downloadCsv = async () => {
    const csv = await api.getShowbackCsv({ from, team: team || undefined });
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `showback-${team || 'all'}-${from.slice(0, 10)}.csv`;
    link.click();
    URL.revokeObjectURL(url);
  };

  // Fleet-level rebalancing comes only in the platform view (all teams); shown on its own.
  const platformView = fleet.allowed && !team;
  const poolAdvice = (advice.value ?? []).filter(
    a => a.kind !== 'flavor-rebalance',
  );
  const fleetAdvice = (advice.value ?? []).filter(
    a => a.kind === 'flavor-rebalance',
  );

  if (myTeams.loading || (showback.loading && !showback.value))
    return <Progress />;
  if (showback.error && !showback.value)
    return <ResponseErrorPanel error={showback.error} />;
  const teams = fleet.allowed
    ? [...new Set(showback.value?.teams.map(t => t.team) ?? [])]
    : myTeams.value?.teams ?? [];
  return (
    <Grid container spacing={3} direction="column" wrap="nowrap">
      <Grid item>
        <Typography variant="body1" paragraph>
          {fleet.allowed
            ? 'Every team’s usage and cost (platform view). Pick a team for its own view.'
            : 'What your teams’ runners used and cost, and what the history says to change.'}
        </Typography>
        <TextField
          select
          label="Period"
          InputLabelProps={{ className: pageText.label }}
          value={days}
          onChange={e => setDays(Number(e.target.value))}
          style={{ minWidth: 160, marginRight: 16 }}
        >
          {PERIODS.map(d => (
            <MenuItem key={d} value={d}>
              Last {d} days
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          label="Team"
          InputLabelProps={{ className: pageText.label }}
          value={team}
          onChange={e => setTeam(e.target.value)}
          style={{ minWidth: 160, marginRight: 16 }}
        >
          <MenuItem value="">
            {fleet.allowed ? 'All teams' : 'My teams'}
          </MenuItem>
          {teams.map(t => (
            <MenuItem key={t} value={t}>
              {t}
            </MenuItem>
          ))}
        </TextField>
        <Button variant="outlined" onClick={downloadCsv}>
          Download CSV
        </Button>
      </Grid>
      {showback.value && (
        <Grid item>
          <ShowbackTable
            showback={showback.value}
            title={team ? `Showback of team ${team}` : 'Showback'}
          />
        </Grid>
      )}
      <Grid item>
        <Typography variant="h5" gutterBottom>
          Advice
        </Typography>
        {sources.value && !sources.value.usage.configured && (
          <Typography variant="body2" paragraph>
            {sources.value.usage.message}
          </Typography>
        )}
        {advice.error && (
          <WarningPanel
            severity="warning"
            title="Advice is unavailable"
            message={advice.error.message}
          />
        )}
        {advice.loading && !advice.value ? (
          <Progress />
        ) : (
          <AdviceList advice={poolAdvice} onChange={advice.retry} />
        )}
      </Grid>
      {platformView && !advice.error && advice.value && (
        <Grid item>
          <Typography variant="h5" gutterBottom>
            Fleet rebalancing
          </Typography>
          <Typography variant="body2" paragraph>
            Demand per flavor against its capacity across every team: pools that
            queue at their max while another flavor of the same OS idles.
          </Typography>
          <AdviceList
            advice={fleetAdvice}
            onChange={advice.retry}
            empty={{
              title: 'Flavors are balanced',
              description:
                'No pool queues at its max replicas while another flavor of the same OS idles.',
            }}
          />
        </Grid>
      )}
    </Grid>
  );
}
