import {
  EmptyState,
  InfoCard,
  Link,
  LinkButton,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { FleetSummary, TeamHealth } from '@runner-fleet/plugin-runners-common';
import {
  PoolStateStatus,
  formatCost,
  formatPercent,
  useFleetSummary,
} from '@runner-fleet/plugin-runners-react';
import useInterval from 'react-use/esm/useInterval';
import { isForbidden } from '../../hooks/errors';
import { useRunnersConfig } from '../../hooks/useRunnersConfig';
import { useRunnersLinks } from '../../hooks/useRunnersLinks';
import { PoolsTable, poolRows } from '../PoolsTable';
import { FlavorLoadChart } from './FlavorLoadChart';

/** Show the metadata keys as written (the default start-cases them: 'V Ms Ready'). */
const KEEP_TITLES = { titleFormat: (key: string) => key };

type Failing = FleetSummary['failingPools'][number];

function teamColumns(costUnit: string): TableColumn<TeamHealth>[] {
  return [
    { title: 'Team', field: 'team', highlight: true },
    { title: 'Pools', render: t => t.pools.length },
    {
      title: 'VMs ready / total',
      render: t => `${t.totals.readyVms} / ${t.totals.vms}`,
    },
    {
      title: 'Utilisation',
      render: t =>
        `${formatPercent(
          t.totals.totalSlots ? t.totals.busySlots / t.totals.totalSlots : 0,
        )} of ${t.totals.totalSlots} slots`,
    },
    { title: 'Jobs waiting', render: t => t.totals.pending },
    {
      title: `Cost 24 h (${costUnit})`,
      render: t => formatCost(t.totals.weightedCost24h),
    },
  ];
}

function FleetOverview(props: { fleet: FleetSummary }) {
  const { fleet } = props;
  const links = useRunnersLinks();
  const { costUnit } = useRunnersConfig();
  const pools = fleet.teams.flatMap(t => t.pools);
  const vms = fleet.teams.reduce((n, t) => n + t.totals.vms, 0);
  const ready = fleet.teams.reduce((n, t) => n + t.totals.readyVms, 0);
  const busy = fleet.teams.reduce((n, t) => n + t.totals.busySlots, 0);
  const slots = fleet.teams.reduce((n, t) => n + t.totals.totalSlots, 0);
  const g = fleet.ghosts;
  const failingColumns: TableColumn<Failing>[] = [
    {
      title: 'Pool',
      field: 'name',
      render: f => (
        <Link to={links.pool(f.poolId)}>{`${f.team}/${f.name}`}</Link>
      ),
    },
    {
      title: 'State',
      field: 'state',
      render: f => (
        <PoolStateStatus state={f.state} reason={f.reason} showReason />
      ),
    },
  ];
  return (
    <Grid container spacing={3}>
      {!fleet.cacheSynced && (
        <Grid item xs={12}>
          <WarningPanel
            severity="info"
            title="The fleet cache is still syncing; numbers may be incomplete."
          />
        </Grid>
      )}
      <Grid item xs={12} md={4}>
        <InfoCard title="At a glance" variant="gridItem">
          <StructuredMetadataTable
            dense
            options={KEEP_TITLES}
            metadata={{
              Teams: String(fleet.teams.length),
              Pools: String(pools.length),
              'VMs ready / total': `${ready} / ${vms}`,
              'Job slots busy': `${busy} / ${slots} (${formatPercent(
                slots ? busy / slots : 0,
              )})`,
              'Jobs waiting': String(
                pools.reduce((n, p) => n + p.queue.pending, 0),
              ),
              Ghosts: `${g.runners} runners, ${g.managers} managers, ${g.vms} VMs (${g.removedTotal} removed so far)`,
              Burst: `${fleet.burst.pools} pools bursting with ${fleet.burst.replicas} VMs`,
            }}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={8}>
        <FlavorLoadChart byFlavor={fleet.byFlavor} />
      </Grid>
      <Grid item xs={12}>
        <Table<Failing>
          title={`Failing pools (${fleet.failingPools.length})`}
          columns={failingColumns}
          data={fleet.failingPools}
          options={{
            paging: false,
            search: false,
            padding: 'dense',
            draggable: false,
          }}
          emptyContent={<div style={{ padding: 16 }}>No pool is failing.</div>}
        />
      </Grid>
      <Grid item xs={12}>
        <Table<TeamHealth>
          title="Teams"
          columns={teamColumns(costUnit)}
          data={fleet.teams}
          options={{
            paging: false,
            search: false,
            padding: 'dense',
            draggable: false,
          }}
        />
      </Grid>
      <Grid item xs={12}>
        <PoolsTable
          title="Every pool"
          rows={poolRows(undefined, pools)}
          showTeam
        />
      </Grid>
    </Grid>
  );
}

/** The whole fleet, for the platform team; others get a friendly pointer to their fleet. */
export function FleetPage() {
  const links = useRunnersLinks();
  const fleet = useFleetSummary();
  useInterval(fleet.retry, fleet.error ? null : 15000);
  if (fleet.loading && !fleet.value) return <Progress />;
  if (fleet.error && !fleet.value) {
    if (isForbidden(fleet.error)) {
      return (
        <EmptyState
          missing="info"
          title="The fleet view is for the platform team"
          description="It shows every team's pools, ghosts and capacity. Your own teams' pools are under My fleet."
          action={
            <LinkButton to={links.myFleet} variant="contained" color="primary">
              Go to My fleet
            </LinkButton>
          }
        />
      );
    }
    return <ResponseErrorPanel error={fleet.error} />;
  }
  if (!fleet.value || fleet.value.teams.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No runner pools yet"
        description="Once teams request runners, their pools, demand and capacity show here."
        action={
          <LinkButton to={links.request()} variant="contained" color="primary">
            Request runners
          </LinkButton>
        }
      />
    );
  }
  return <FleetOverview fleet={fleet.value} />;
}
