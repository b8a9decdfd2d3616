import {
  Link,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { FleetRolloutPool } from '@runner-fleet/plugin-runners-common';

const STATUS: Record<FleetRolloutPool['status'], JSX.Element> = {
  waiting: <StatusPending>Waiting</StatusPending>,
  rolling: <StatusRunning>Rolling</StatusRunning>,
  done: <StatusOK>Done</StatusOK>,
  halted: <StatusError>Halted</StatusError>,
};

/**
 * The pools of one fleet rollout: canary first, with each pool's status, its VMs on the old
 * and on the new definition, and what its own rollout says.
 */
export function FleetRolloutPools(props: {
  pools: FleetRolloutPool[];
  poolLink: (id: string) => string;
  /** The rollout was aborted: a finished pool went back to its previous definition. */
  aborted?: boolean;
}) {
  const { pools, poolLink, aborted } = props;
  if (pools.length === 0) {
    return <>No pool of the flavor is left to roll.</>;
  }
  const ordered = [...pools].sort(
    (a, b) => Number(b.canary) - Number(a.canary),
  );
  return (
    <Table size="small" aria-label="pools of the rollout">
      <TableHead>
        <TableRow>
          <TableCell>Pool</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>VMs old / new</TableCell>
          <TableCell>What its rollout says</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {ordered.map(pool => (
          <TableRow key={pool.poolId}>
            <TableCell>
              <Link to={poolLink(pool.poolId)}>
                {pool.team && pool.name
                  ? `${pool.team}/${pool.name}`
                  : pool.poolId}
              </Link>
              {pool.canary && ' (canary)'}
            </TableCell>
            <TableCell>
              {aborted && pool.status === 'done' ? (
                <StatusOK>Returned</StatusOK>
              ) : (
                STATUS[pool.status]
              )}
            </TableCell>
            <TableCell>
              {pool.vms.old} / {pool.vms.new}
            </TableCell>
            <TableCell>{pool.message ?? ''}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
