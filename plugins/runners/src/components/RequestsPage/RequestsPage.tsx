import {
  EmptyState,
  Link,
  LinkButton,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusPending,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  ApprovalRequest,
  ApprovalStatus,
  runnersRequestApprovePermission,
} from '@runner-fleet/plugin-runners-common';
import { runnersApiRef, useRequests } from '@runner-fleet/plugin-runners-react';
import { useState } from 'react';
import { errorMessage } from '../../hooks/errors';
import { useRunnersLinks } from '../../hooks/useRunnersLinks';
import { usePageTextStyles } from '../a11y/contrast';
import { ApproveDialog } from './ApproveDialog';
import { RejectDialog } from './RejectDialog';
import { RequestContext } from './RequestContext';

const REASON_LABEL: Record<string, string> = {
  'custom-flavor': 'custom flavor',
  'over-quota': 'over quota',
  'not-yet-approved': 'changed before approval',
};

const when = (at?: string) => (at ? new Date(at).toLocaleString() : '');
const who = (ref?: string) => ref?.replace(/^user:(default\/)?/, '') ?? '';

function Outcome(props: { request: ApprovalRequest }) {
  const r = props.request;
  if (r.status === 'pending') return <StatusPending>Pending</StatusPending>;
  const Status = r.status === 'approved' ? StatusOK : StatusError;
  return (
    <>
      <Status>{r.status === 'approved' ? 'Approved' : 'Rejected'}</Status>
      <Typography variant="caption" display="block" color="textSecondary">
        by {who(r.decidedBy)} {when(r.decidedAt)}
        {r.decisionReason ? `: ${r.decisionReason}` : ''}
      </Typography>
    </>
  );
}

/** Approval requests: approvers decide pending ones; requesters see outcomes. */
export function RequestsPage() {
  const api = useApi(runnersApiRef);
  const alertApi = useApi(alertApiRef);
  const links = useRunnersLinks();
  const pageText = usePageTextStyles();
  const [status, setStatus] = useState<ApprovalStatus | 'all'>('pending');
  const requests = useRequests(status === 'all' ? undefined : status);
  const approver = usePermission({
    permission: runnersRequestApprovePermission,
  });
  const [rejecting, setRejecting] = useState<ApprovalRequest>();
  const [approving, setApproving] = useState<ApprovalRequest>();
  const [busy, setBusy] = useState<string>();

  const decide = async (request: ApprovalRequest, reason?: string) => {
    setBusy(request.id);
    const name = `${request.team}/${request.poolName}`;
    try {
      if (reason === undefined) await api.approveRequest(request.id);
      else await api.rejectRequest(request.id, reason);
      alertApi.post({
        message: `${reason === undefined ? 'Approved' : 'Rejected'} ${name}.`,
        severity: 'success',
        display: 'transient',
      });
      setRejecting(undefined);
      setApproving(undefined);
      requests.retry();
    } catch (e) {
      alertApi.post({
        message: `Could not decide ${name}: ${errorMessage(e)}`,
        severity: 'error',
      });
    } finally {
      setBusy(undefined);
    }
  };

  const columns: TableColumn<ApprovalRequest>[] = [
    {
      title: 'Pool',
      field: 'poolName',
      highlight: true,
      render: r => (
        <>
          <Link to={links.pool(r.poolId)}>{r.poolName}</Link>
          <Typography variant="caption" display="block" color="textSecondary">
            team {r.team}
          </Typography>
        </>
      ),
    },
    {
      title: 'Request',
      field: 'summary',
      render: r => (
        <>
          {r.summary}
          <Box mt={0.5}>
            {r.reasons.map(reason => (
              <Chip
                key={reason}
                size="small"
                label={REASON_LABEL[reason] ?? reason}
              />
            ))}
          </Box>
          {r.status === 'pending' && <RequestContext request={r} />}
        </>
      ),
    },
    {
      title: 'Requested',
      field: 'requestedAt',
      render: r => `${who(r.requestedBy)}, ${when(r.requestedAt)}`,
    },
    { title: 'Status', field: 'status', render: r => <Outcome request={r} /> },
  ];
  if (approver.allowed) {
    columns.push({
      title: 'Decision',
      sorting: false,
      render: r =>
        r.status === 'pending' ? (
          <Box display="flex" gridGap={8}>
            <Button
              size="small"
              variant="contained"
              color="primary"
              disabled={busy === r.id}
              onClick={() => setApproving(r)}
            >
              Approve
            </Button>
            <Button
              size="small"
              variant="outlined"
              disabled={busy === r.id}
              onClick={() => setRejecting(r)}
            >
              Reject
            </Button>
          </Box>
        ) : null,
    });
  }

  const filter = (
    <TextField
      select
      id="requests-status"
      label="Show"
      InputLabelProps={{ className: pageText.label }}
      value={status}
      onChange={e => setStatus(e.target.value as ApprovalStatus | 'all')}
      style={{ minWidth: 160 }}
    >
      <MenuItem value="pending">Pending</MenuItem>
      <MenuItem value="approved">Approved</MenuItem>
      <MenuItem value="rejected">Rejected</MenuItem>
      <MenuItem value="all">All</MenuItem>
    </TextField>
  );

  let body: JSX.Element;
  if ((requests.loading && !requests.value) || approver.loading)
    body = <Progress />;
  else if (requests.error) body = <ResponseErrorPanel error={requests.error} />;
  else if (!requests.value?.length) {
    body = (
      <EmptyState
        missing="data"
        title={
          status === 'pending'
            ? 'Nothing waits for approval'
            : `No ${status === 'all' ? '' : `${status} `}requests`
        }
        description={
          approver.allowed
            ? 'Requests for custom flavors above the thresholds show up here for you to decide.'
            : 'Pools with a custom flavor above the approval thresholds wait here for the platform team.'
        }
        action={
          <LinkButton to={links.request()} variant="outlined" color="primary">
            Request runners
          </LinkButton>
        }
      />
    );
  } else {
    body = (
      <Table<ApprovalRequest>
        columns={columns}
        data={requests.value}
        options={{
          // Column dragging nests a focusable handle in each sortable header (axe: nested-interactive).
          draggable: false,
          paging: requests.value.length > 20,
          pageSize: 20,
          search: false,
          padding: 'dense',
          toolbar: false,
        }}
      />
    );
  }

  return (
    <>
      <Box
        display="flex"
        alignItems="flex-end"
        justifyContent="space-between"
        mb={2}
      >
        <Typography variant="body1">
          {approver.allowed
            ? 'You approve runner requests: decide what waits, with a reason when you reject.'
            : "Your teams' requests and what the platform team decided."}
        </Typography>
        {filter}
      </Box>
      {body}
      {approving && (
        <ApproveDialog
          request={approving}
          busy={busy === approving.id}
          onCancel={() => setApproving(undefined)}
          onApprove={() => decide(approving)}
        />
      )}
      {rejecting && (
        <RejectDialog
          request={rejecting}
          busy={busy === rejecting.id}
          onCancel={() => setRejecting(undefined)}
          onReject={reason => decide(rejecting, reason)}
        />
      )}
    </>
  );
}
