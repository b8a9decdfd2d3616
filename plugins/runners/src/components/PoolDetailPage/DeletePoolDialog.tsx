import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import {
  PoolResource,
  runnersApiRef,
} from '@runner-fleet/plugin-runners-react';
import { useState } from 'react';
import { errorMessage } from '../../hooks/errors';

/** Delete a pool after the user types its name. */
export function DeletePoolDialog(props: {
  pool: PoolResource;
  open: boolean;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { pool, open, onClose, onDeleted } = props;
  const api = useApi(runnersApiRef);
  const alertApi = useApi(alertApiRef);
  const [typed, setTyped] = useState('');
  const [deleting, setDeleting] = useState(false);

  const remove = async () => {
    setDeleting(true);
    try {
      await api.deletePool(pool.id);
      alertApi.post({
        message: `Deleting ${pool.name}: its VMs, scalers and GitLab runner are being removed.`,
        severity: 'success',
        display: 'transient',
      });
      onDeleted();
    } catch (e) {
      alertApi.post({
        message: `Could not delete ${pool.name}: ${errorMessage(e)}`,
        severity: 'error',
      });
    } finally {
      setDeleting(false);
    }
  };

  return (
    <Dialog open={open} onClose={onClose}>
      <DialogTitle>Delete {pool.name}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Jobs running on its VMs are cancelled, the VMs and the GitLab runner
          are removed, and pipelines that need the tags{' '}
          {pool.spec.gitlab.tags.join(', ') || '(untagged)'} wait for another
          runner. Type the pool name to confirm.
        </DialogContentText>
        <TextField
          fullWidth
          id="delete-pool-name"
          label="Pool name"
          value={typed}
          onChange={e => setTyped(e.target.value)}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="secondary"
          variant="contained"
          disabled={typed !== pool.name || deleting}
          onClick={remove}
        >
          Delete pool
        </Button>
      </DialogActions>
    </Dialog>
  );
}
