import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import { ApprovalRequest } from '@runner-fleet/plugin-runners-common';
import { useState } from 'react';

/** Asks for the reason the requester will read. */
export function RejectDialog(props: {
  request: ApprovalRequest;
  busy: boolean;
  onCancel: () => void;
  onReject: (reason: string) => void;
}) {
  const { request, busy, onCancel, onReject } = props;
  const [reason, setReason] = useState('');
  return (
    <Dialog open onClose={onCancel} fullWidth maxWidth="sm">
      <DialogTitle>
        Reject {request.team}/{request.poolName}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          The pool is not provisioned and reserves nothing; the requester sees
          it rejected, with your reason.
        </DialogContentText>
        <TextField
          fullWidth
          multiline
          minRows={3}
          id="reject-reason"
          label="Reason"
          helperText="The requester reads this; say what would be approved instead."
          value={reason}
          inputProps={{ maxLength: 1000 }}
          onChange={e => setReason(e.target.value)}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          color="secondary"
          variant="contained"
          disabled={!reason.trim() || busy}
          onClick={() => onReject(reason.trim())}
        >
          Reject
        </Button>
      </DialogActions>
    </Dialog>
  );
}
