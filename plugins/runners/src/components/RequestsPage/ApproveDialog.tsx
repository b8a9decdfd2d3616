import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { ApprovalRequest } from '@runner-fleet/plugin-runners-common';
import { useApprovalContext } from './RequestContext';

/** Says what approving does before it is done. */
export function ApproveDialog(props: {
  request: ApprovalRequest;
  busy: boolean;
  onCancel: () => void;
  onApprove: () => void;
}) {
  const { request, busy, onCancel, onApprove } = props;
  const { context } = useApprovalContext(request);
  const a = context?.spec.autoscaling;
  const q = context?.quota;
  return (
    <Dialog open onClose={onCancel} fullWidth maxWidth="sm">
      <DialogTitle>
        Approve {request.team}/{request.poolName}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          The pool is provisioned right away
          {a && context?.flavor
            ? `: ${a.minReplicas} to ${a.maxReplicas} VMs of ${context.flavor.name}`
            : ''}
          . It reserves its size at max VMs against team {request.team}'s quota
          {q
            ? ` (vCPU ${q.cpu.after} of ${q.cpu.limit}, memory ${q.memoryGiB.after} GiB of ${q.memoryGiB.limit} GiB)`
            : ''}{' '}
          until it is deleted, and the requester sees it approved.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy}
          onClick={onApprove}
        >
          Approve
        </Button>
      </DialogActions>
    </Dialog>
  );
}
