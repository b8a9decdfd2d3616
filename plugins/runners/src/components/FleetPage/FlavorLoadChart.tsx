import { InfoCard, Table, TableColumn } from '@backstage/core-components';
import { useTheme } from '@material-ui/core/styles';
import { FlavorLoad } from '@runner-fleet/plugin-runners-common';
import { formatPercent } from '@runner-fleet/plugin-runners-react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

const columns: TableColumn<FlavorLoad>[] = [
  { title: 'Flavor', field: 'flavor', render: f => `${f.flavor} (${f.os})` },
  { title: 'Pools', field: 'pools', type: 'numeric' },
  {
    title: 'Busy / total slots',
    field: 'busySlots',
    type: 'numeric',
    render: f =>
      `${f.busySlots} / ${f.totalSlots} (${formatPercent(
        f.totalSlots ? f.busySlots / f.totalSlots : 0,
      )})`,
  },
  { title: 'Jobs waiting', field: 'pending', type: 'numeric' },
];

/** Demand (busy slots + waiting jobs) against capacity (job slots) for every flavor. */
export function FlavorLoadChart(props: { byFlavor: FlavorLoad[] }) {
  const theme = useTheme();
  const data = [...props.byFlavor].sort((a, b) =>
    a.flavor.localeCompare(b.flavor),
  );
  return (
    <InfoCard title="Demand vs capacity per flavor">
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="flavor" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Bar
            dataKey="totalSlots"
            name="Capacity (job slots)"
            fill={theme.palette.grey[400]}
            isAnimationActive={false}
          />
          <Bar
            dataKey="busySlots"
            name="Busy slots"
            stackId="demand"
            fill={theme.palette.primary.main}
            isAnimationActive={false}
          />
          <Bar
            dataKey="pending"
            name="Jobs waiting"
            stackId="demand"
            fill={theme.palette.secondary.main}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
      <Table<FlavorLoad>
        columns={columns}
        data={data}
        options={{
          // Column dragging nests a focusable handle in each sortable header (axe: nested-interactive).
          draggable: false,
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
      />
    </InfoCard>
  );
}
