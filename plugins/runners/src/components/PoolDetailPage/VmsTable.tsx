import { Table, TableColumn } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { VmHealth } from '@runner-fleet/plugin-runners-common';
import { formatSeconds } from '@runner-fleet/plugin-runners-react';

/** How long ago an instant was, e.g. `3 min 5 s`. */
export function age(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '–';
  return formatSeconds(Math.max(0, (now - Date.parse(iso)) / 1000));
}

const columns: TableColumn<VmHealth>[] = [
  {
    title: 'VM',
    field: 'name',
    highlight: true,
    render: vm => (
      <>
        {vm.name}
        <Typography variant="caption" display="block" color="textSecondary">
          {vm.cluster} · {vm.role}
        </Typography>
      </>
    ),
  },
  { title: 'Phase', field: 'phase' },
  {
    title: 'Age',
    customSort: (a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
    render: vm => age(vm.createdAt),
  },
  {
    title: 'Runner manager',
    sorting: false,
    render: vm =>
      vm.manager ? (
        <>
          {vm.manager.status}
          <Typography variant="caption" display="block" color="textSecondary">
            {vm.manager.contactedAt
              ? `contacted ${age(vm.manager.contactedAt)} ago`
              : 'never contacted'}
          </Typography>
        </>
      ) : (
        'not registered yet'
      ),
  },
  {
    title: 'Current job',
    sorting: false,
    render: vm =>
      vm.runningJobs.length
        ? vm.runningJobs.map(j => `#${j}`).join(', ')
        : 'idle',
  },
];

/** The pool's VMs on every cluster: phase, age, runner manager and current job. */
export function VmsTable(props: { vms: VmHealth[] }) {
  return (
    <Table<VmHealth>
      title="VMs"
      columns={columns}
      data={props.vms}
      options={{
        // Column dragging nests a focusable handle in each sortable header (axe: nested-interactive).
        draggable: false,
        paging: props.vms.length > 20,
        pageSize: 20,
        search: false,
        padding: 'dense',
      }}
      emptyContent={
        <Typography color="textSecondary" style={{ padding: 16 }}>
          No VMs right now. A pool that scales to zero starts one when a job
          waits.
        </Typography>
      }
    />
  );
}
