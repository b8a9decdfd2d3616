import { Table, TableColumn } from '@backstage/core-components';
import { Showback, ShowbackRow } from '@runner-fleet/plugin-runners-common';

const hours = (n: number) =>
  n.toLocaleString(undefined, { maximumFractionDigits: 1 });

/** Showback rows per pool and flavor, with the cost when pricing is configured. */
export function ShowbackTable(props: { showback: Showback; title: string }) {
  const { showback } = props;
  const money = (n?: number) =>
    n === undefined
      ? '—'
      : n.toLocaleString(undefined, {
          style: 'currency',
          currency: showback.currency ?? 'EUR',
        });
  const columns: TableColumn<ShowbackRow>[] = [
    { title: 'Team', field: 'team' },
    { title: 'Pool', field: 'poolName' },
    { title: 'Flavor', field: 'flavor' },
    { title: 'vCPU-hours', render: r => hours(r.vcpuHours), type: 'numeric' },
    { title: 'GiB-hours', render: r => hours(r.gibHours), type: 'numeric' },
    {
      title: 'Burst vCPU-hours',
      render: r => hours(r.burstVcpuHours),
      type: 'numeric',
    },
    { title: 'Job minutes', render: r => hours(r.jobMinutes), type: 'numeric' },
    ...(showback.currency
      ? [
          {
            title: `Cost (${showback.currency})`,
            render: (r: ShowbackRow) => money(r.cost),
            type: 'numeric' as const,
          },
        ]
      : []),
  ];
  return (
    <Table
      title={props.title}
      subtitle={`${showback.from.slice(0, 10)} – ${showback.to.slice(
        0,
        10,
      )}: ${hours(
        showback.total.vcpuHours + showback.total.burstVcpuHours,
      )} vCPU-hours${
        showback.currency ? `, ${money(showback.total.cost)}` : ''
      }`}
      options={{
        paging: false,
        search: false,
        padding: 'dense',
        draggable: false,
      }}
      columns={columns}
      data={showback.rows}
    />
  );
}
