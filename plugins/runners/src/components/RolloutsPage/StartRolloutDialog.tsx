import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { Flavor, FleetRolloutInput } from '@runner-fleet/plugin-runners-common';
import { useState } from 'react';
import { ReadableErrors } from '../a11y/contrast';
import {
  EMPTY_ROLLOUT_FORM,
  RolloutForm,
  rolloutInput,
  validateRolloutForm,
} from './rolloutForm';

/**
 * Starts a fleet rollout: the flavor whose catalog definition every pool of it takes, how many
 * pools go first as canaries, and how many VMs may be replacing at once. Mistakes are named by
 * field before anything is sent; the server's refusal (e.g. "nothing to roll") shows here too.
 */
export function StartRolloutDialog(props: {
  flavors: Flavor[];
  busy: boolean;
  /** The server's message when it refused the last start. */
  error?: string;
  onCancel: () => void;
  onStart: (input: FleetRolloutInput) => void;
}) {
  const { flavors, busy, error, onCancel, onStart } = props;
  const [form, setForm] = useState<RolloutForm>(EMPTY_ROLLOUT_FORM);
  const [submitted, setSubmitted] = useState(false);
  const errors = validateRolloutForm(
    form,
    flavors.map(f => f.name),
  );
  const shown = submitted ? errors : {};
  const field =
    (key: keyof RolloutForm) => (e: { target: { value: string } }) =>
      setForm({ ...form, [key]: e.target.value });
  const start = () => {
    setSubmitted(true);
    if (Object.keys(errors).length === 0) onStart(rolloutInput(form));
  };
  return (
    <Dialog open onClose={onCancel} fullWidth maxWidth="sm">
      <DialogTitle>Start a fleet rollout</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Every live pool of the flavor takes the catalog&apos;s current
          definition (image, runner version, size): the canary pools first, the
          others once the canaries are rolled and ready. Each pool brings new
          VMs up before it retires old ones; running jobs finish.
        </DialogContentText>
        {error && (
          <Alert severity="error" role="alert" style={{ marginBottom: 16 }}>
            {error}
          </Alert>
        )}
        <ReadableErrors>
          <TextField
            select
            fullWidth
            margin="normal"
            id="rollout-flavor"
            label="Flavor"
            value={form.flavor}
            onChange={field('flavor')}
            error={!!shown.flavor}
            helperText={shown.flavor ?? 'Its pools take the image shown.'}
          >
            {flavors.map(f => (
              <MenuItem key={f.name} value={f.name}>
                {f.name} → {f.image}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            fullWidth
            margin="normal"
            id="rollout-canary-pools"
            label="Canary pools"
            type="number"
            inputProps={{ min: 0, step: 1 }}
            value={form.canaryPools}
            onChange={field('canaryPools')}
            error={!!shown.canaryPools}
            helperText={
              shown.canaryPools ??
              'Rolled first, smallest first; the others wait for them. 0 skips the canary step.'
            }
          />
          <TextField
            fullWidth
            margin="normal"
            id="rollout-max-vm-percent"
            label="Max VMs replacing (%)"
            type="number"
            inputProps={{ min: 1, max: 100 }}
            value={form.maxVmPercent}
            onChange={field('maxVmPercent')}
            error={!!shown.maxVmPercent}
            helperText={
              shown.maxVmPercent ??
              "Share of the flavor's VMs in pools that are rolling at the same time."
            }
          />
        </ReadableErrors>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy}
          onClick={start}
        >
          Start rollout
        </Button>
      </DialogActions>
    </Dialog>
  );
}
