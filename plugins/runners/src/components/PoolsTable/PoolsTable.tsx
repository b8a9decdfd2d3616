import {
  LinearGauge,
  Link,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  PoolStateStatus,
  formatCost,
  formatPercent,
  formatSeconds,
} from '@runner-fleet/plugin-runners-react';
import { ReactNode } from 'react';
import { useRunnersConfig } from '../../hooks/useRunnersConfig';
import { useRunnersLinks } from '../../hooks/useRunnersLinks';
import { PoolRow } from './poolRows';

const UNKNOWN = '–';
/** Below this width the columns would break words; the table scrolls instead. */
const MIN_TABLE_WIDTH = 880;

function Caption(props: { children: ReactNode }) {
  return (
    <Typography variant="caption" display="block" color="textSecondary">
      {props.children}
    </Typography>
  );
}

function useColumns(
  showTeam: boolean,
  poolLink?: (id: string) => string,
): TableColumn<PoolRow>[] {
  const links = useRunnersLinks();
  const { costUnit } = useRunnersConfig();
  const linkOf = poolLink ?? links.pool;
  const columns: TableColumn<PoolRow>[] = [
    {
      title: 'Pool',
      field: 'name',
      highlight: true,
      render: row => (
        <>
          <Link to={linkOf(row.id)}>{row.name}</Link>
          <Caption>
            {showTeam ? `${row.team} · ${row.flavor}` : row.flavor}
          </Caption>
        </>
      ),
    },
    {
      title: 'State',
      field: 'state',
      render: row => (
        <PoolStateStatus
          state={row.state}
          reason={row.stateReason}
          showReason
        />
      ),
    },
    {
      title: 'VMs ready / desired',
      align: 'right',
      sorting: false,
      render: ({ health: h }) =>
        h ? (
          <>
            {h.replicas.ready} / {h.replicas.desired}
            <Caption>
              min {h.replicas.min} · max {h.replicas.max}
              {h.burst.enabled
                ? ` · burst ${h.burst.ready}/${h.burst.replicas}`
                : ''}
            </Caption>
          </>
        ) : (
          UNKNOWN
        ),
    },
    {
      title: 'Utilisation',
      customSort: (a, b) =>
        (a.health?.utilization.now ?? -1) - (b.health?.utilization.now ?? -1),
      render: ({ health: h }) =>
        h ? (
          <Box minWidth={110}>
            <LinearGauge value={h.utilization.now} />
            <Caption>
              {formatPercent(h.utilization.now)} · {h.utilization.busySlots}/
              {h.utilization.totalSlots} slots
            </Caption>
          </Box>
        ) : (
          UNKNOWN
        ),
    },
    {
      title: 'Queue wait p50 / p95',
      align: 'right',
      sorting: false,
      render: ({ health: h }) =>
        h ? (
          <>
            {formatSeconds(h.queue.waitSeconds.p50)} /{' '}
            {formatSeconds(h.queue.waitSeconds.p95)}
            <Caption>{h.queue.pending} pending</Caption>
          </>
        ) : (
          UNKNOWN
        ),
    },
    {
      title: 'Boot time p50',
      align: 'right',
      sorting: false,
      render: ({ health: h }) =>
        h ? formatSeconds(h.bootSeconds.p50) : UNKNOWN,
    },
    {
      title: `Cost 24 h (${costUnit})`,
      align: 'right',
      customSort: (a, b) =>
        (a.health?.cost.weighted24h ?? 0) - (b.health?.cost.weighted24h ?? 0),
      render: ({ health: h }) => (h ? formatCost(h.cost.weighted24h) : UNKNOWN),
    },
  ];
  return columns;
}

/**
 * Pools with their state, VMs, utilisation, queue wait, boot time and 24 h cost (in
 * cost-weight units: one m1.large VM for an hour is 1).
 */
export function PoolsTable(props: {
  rows: PoolRow[];
  title?: string;
  showTeam?: boolean;
  emptyContent?: ReactNode;
  /** Where a pool's name links to; its detail view by default. */
  poolLink?: (id: string) => string;
}) {
  const columns = useColumns(!!props.showTeam, props.poolLink);
  // On a narrow window the table scrolls inside its card instead of squeezing its columns
  // (words broken mid-way) or pushing the page wider than the window.
  return (
    <Box
      overflow="auto"
      maxWidth="100%"
      role="region"
      aria-label="Pools"
      tabIndex={0}
    >
      <Box minWidth={MIN_TABLE_WIDTH}>
        <Table<PoolRow>
          title={props.title}
          columns={columns}
          data={props.rows}
          emptyContent={props.emptyContent}
          options={{
            // Column dragging nests a focusable handle in each sortable header (axe: nested-interactive).
            draggable: false,
            paging: false,
            search: false,
            padding: 'dense',
            toolbar: !!props.title,
          }}
        />
      </Box>
    </Box>
  );
}
