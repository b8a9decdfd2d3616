import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { PoolState } from '@runner-fleet/plugin-runners-common';
import { ComponentType, PropsWithChildren } from 'react';

const STATUS: Record<PoolState, ComponentType<PropsWithChildren<{}>>> = {
  ready: StatusOK,
  provisioning: StatusRunning,
  'pending-approval': StatusPending,
  degraded: StatusWarning,
  failed: StatusError,
  rejected: StatusAborted,
  deleting: StatusPending,
  deleted: StatusAborted,
};

const LABEL: Record<PoolState, string> = {
  ready: 'Ready',
  provisioning: 'Provisioning',
  'pending-approval': 'Waiting for approval',
  degraded: 'Degraded',
  failed: 'Failed',
  rejected: 'Rejected',
  deleting: 'Deleting',
  deleted: 'Deleted',
};

/**
 * Human label of a pool state.
 *
 * @public
 */
export function poolStateLabel(state: PoolState): string {
  return LABEL[state] ?? state;
}

/**
 * A pool's state as a status light with its label; the reason shows on hover, or below the
 * label with `showReason`.
 *
 * @public
 */
export function PoolStateStatus(props: {
  state: PoolState;
  reason?: string;
  showReason?: boolean;
}) {
  const { state, reason, showReason } = props;
  const Status = STATUS[state] ?? StatusPending;
  const status = <Status>{poolStateLabel(state)}</Status>;
  if (!reason) return status;
  if (showReason) {
    return (
      <>
        {status}
        <Typography variant="caption" color="textSecondary" component="div">
          {reason}
        </Typography>
      </>
    );
  }
  return (
    <Tooltip title={reason}>
      <span>{status}</span>
    </Tooltip>
  );
}
