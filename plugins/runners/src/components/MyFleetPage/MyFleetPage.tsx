import {
  EmptyState,
  InfoCard,
  LinkButton,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { TeamHealth } from '@runner-fleet/plugin-runners-common';
import {
  useMyTeams,
  usePools,
  useTeamHealth,
} from '@runner-fleet/plugin-runners-react';
import useInterval from 'react-use/esm/useInterval';
import { useRunnersLinks } from '../../hooks/useRunnersLinks';
import {
  PoolRow,
  PoolsTable,
  TeamTotals,
  TRANSITIONAL_STATES,
  poolRows,
} from '../PoolsTable';
import { TeamVerdictPanel } from './TeamVerdictPanel';

function TeamSection(props: {
  team: string;
  rows: PoolRow[];
  health?: TeamHealth;
}) {
  const { team, rows, health } = props;
  const links = useRunnersLinks();
  const request = (
    <LinkButton to={links.request(team)} color="primary" variant="outlined">
      Request runners
    </LinkButton>
  );
  return (
    <InfoCard
      title={`Team ${team}`}
      action={rows.length > 0 ? request : undefined}
    >
      {health && rows.length > 0 && <TeamVerdictPanel health={health} />}
      {health && rows.length > 0 && <TeamTotals totals={health.totals} />}
      {rows.length > 0 ? (
        <PoolsTable rows={rows} />
      ) : (
        <EmptyState
          missing="data"
          title={`Team ${team} has no runner pools yet`}
          description="Request a pool: pick a flavor, how far it may scale, and where in GitLab it takes jobs."
          action={request}
        />
      )}
    </InfoCard>
  );
}

/** The signed-in user's teams and their pools. */
export function MyFleetPage() {
  const myTeams = useMyTeams();
  const pools = usePools();
  const health = useTeamHealth();
  const busy = pools.value?.some(p => TRANSITIONAL_STATES.includes(p.state));
  useInterval(
    () => {
      pools.retry();
      health.retry();
    },
    busy ? 5000 : 30000,
  );

  if (
    myTeams.loading ||
    (pools.loading && !pools.value) ||
    (health.loading && !health.value && !health.error)
  ) {
    return <Progress />;
  }
  const error = myTeams.error ?? (pools.value ? undefined : pools.error);
  if (error) return <ResponseErrorPanel error={error} />;

  const teams = myTeams.value?.teams ?? [];
  if (teams.length === 0) {
    return (
      <EmptyState
        missing="info"
        title="You are not in a team yet"
        description="Runner pools belong to teams, which are groups in the catalog. Ask your team lead to add you to your team's group; then you can request runners for it."
      />
    );
  }
  const rows = poolRows(
    pools.value,
    (health.value ?? []).flatMap(t => t.pools),
  );
  return (
    <Grid container spacing={3} direction="column" wrap="nowrap">
      {health.error && (
        <Grid item>
          <WarningPanel
            severity="warning"
            title="Live fleet health is unavailable; VM and utilisation figures are missing."
            message={health.error.message}
          />
        </Grid>
      )}
      {teams.map(team => (
        <Grid item key={team}>
          <TeamSection
            team={team}
            rows={rows.filter(r => r.team === team)}
            health={health.value?.find(t => t.team === team)}
          />
        </Grid>
      ))}
    </Grid>
  );
}
