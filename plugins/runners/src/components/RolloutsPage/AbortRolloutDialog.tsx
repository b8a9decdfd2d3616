import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { FleetRollout } from '@runner-fleet/plugin-runners-common';

/** Says what an abort does before it is done: it cannot be resumed. */
export function AbortRolloutDialog(props: {
  rollout: FleetRollout;
  busy: boolean;
  onCancel: () => void;
  onAbort: () => void;
}) {
  const { rollout, busy, onCancel, onAbort } = props;
  const admitted = rollout.pools.filter(p => p.status !== 'waiting').length;
  return (
    <Dialog open onClose={onCancel} fullWidth maxWidth="sm">
      <DialogTitle>Abort the rollout of {rollout.flavor}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          No more pools are admitted. The {admitted} admitted pool
          {admitted === 1 ? '' : 's'} that have not finished return to their
          previous flavor definition: VMs already replaced are replaced again
          from the old template, running jobs finish first. Pools already rolled
          keep {rollout.image}. An aborted rollout cannot be resumed; start a
          new one later.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Keep rolling</Button>
        <Button
          color="secondary"
          variant="contained"
          disabled={busy}
          onClick={onAbort}
        >
          Abort rollout
        </Button>
      </DialogActions>
    </Dialog>
  );
}
