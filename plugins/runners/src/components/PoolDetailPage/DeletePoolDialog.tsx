import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import { usePermission } from '@backstage/plugin-permission-react';
import Alert from '@material-ui/lab/Alert';
import {
  PoolHealthDetail,
  runnersPoolForceDeletePermission,
} from '@runner-fleet/plugin-runners-common';
import {
  PoolResource,
  runnersApiRef,
} from '@runner-fleet/plugin-runners-react';
import { useState } from 'react';
import { errorMessage } from '../../hooks/errors';

/**
 * Delete a pool after the user types its name. The default drains: running jobs finish first.
 * Platform members (runners.pool.forceDelete) also get "Delete now", which cuts running jobs.
 */
export function DeletePoolDialog(props: {
  pool: PoolResource;
  /** The pool's live health, to list the running jobs a "Delete now" would cut. */
  health?: PoolHealthDetail;
  open: boolean;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { pool, health, open, onClose, onDeleted } = props;
  const api = useApi(runnersApiRef);
  const alertApi = useApi(alertApiRef);
  const canForce = usePermission({
    permission: runnersPoolForceDeletePermission,
  });
  const [typed, setTyped] = useState('');
  const [deleting, setDeleting] = useState(false);
  const running = (health?.vms ?? []).flatMap(vm =>
    vm.runningJobs.map(job => ({ job, vm: vm.name })),
  );

  const remove = async (force: boolean) => {
    setDeleting(true);
    try {
      await api.deletePool(pool.id, { force });
      alertApi.post({
        message: force
          ? `Deleting ${pool.name} now: running jobs are cut, its VMs, scalers and GitLab runner are removed.`
          : `Draining ${pool.name}: the runner takes no new jobs; running jobs finish, then its VMs, scalers and GitLab runner are removed.`,
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
          The GitLab runner is paused so it takes no new jobs; jobs already
          running finish first, then the VMs and the runner are removed.
          Pipelines that need the tags{' '}
          {pool.spec.gitlab.tags.join(', ') || '(untagged)'} wait for another
          runner. Type the pool name to confirm.
        </DialogContentText>
        {canForce.allowed && (
          <Alert severity="warning" aria-label="Delete now">
            &ldquo;Delete now&rdquo; does not wait: it cuts{' '}
            {running.length === 0
              ? 'any running jobs (none are running now)'
              : `${running.length} running job${
                  running.length === 1 ? '' : 's'
                }: ${running.map(r => `#${r.job} on ${r.vm}`).join(', ')}`}
            .
          </Alert>
        )}
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
        {canForce.allowed && (
          <Button
            color="secondary"
            variant="outlined"
            disabled={typed !== pool.name || deleting}
            onClick={() => remove(true)}
          >
            Delete now
          </Button>
        )}
        <Button
          color="secondary"
          variant="contained"
          disabled={typed !== pool.name || deleting}
          onClick={() => remove(false)}
        >
          Drain and delete
        </Button>
      </DialogActions>
    </Dialog>
  );
}
