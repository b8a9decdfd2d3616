import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import {
  FlavorCatalog,
  PoolSpec,
  validatePoolSpec,
} from '@runner-fleet/plugin-runners-common';
import {
  PoolChange,
  PoolResource,
  runnersApiRef,
} from '@runner-fleet/plugin-runners-react';
import { useState } from 'react';
import { errorMessage, isPreconditionFailed } from '../../hooks/errors';
import { parseTags } from '../RequestRunnersPage/poolForm';

const KEEP_CUSTOM = '__custom__';

/** Change a pool's size, tags and flavor (PATCH). */
export function EditPoolDialog(props: {
  pool: PoolResource;
  catalog?: FlavorCatalog;
  open: boolean;
  onClose: () => void;
  onSaved: (change: PoolChange) => void;
  /** Someone else changed the pool since it was read (HTTP 412): reload it. */
  onStale: () => void;
}) {
  const { pool, catalog, open, onClose, onSaved, onStale } = props;
  const api = useApi(runnersApiRef);
  const alertApi = useApi(alertApiRef);
  const spec = pool.spec;
  const [min, setMin] = useState(String(spec.autoscaling.minReplicas));
  const [max, setMax] = useState(String(spec.autoscaling.maxReplicas));
  const [tags, setTags] = useState(spec.gitlab.tags.join(', '));
  const [runUntagged, setRunUntagged] = useState(spec.gitlab.runUntagged);
  const [flavor, setFlavor] = useState(
    typeof spec.flavor === 'string' ? spec.flavor : KEEP_CUSTOM,
  );
  const [saving, setSaving] = useState(false);
  const [submitError, setSubmitError] = useState<string | undefined>();
  // Same OS only: a Linux pool cannot turn into a Windows one (different images and VMs).
  const flavorOptions = catalog
    ? catalog.flavors.filter(f => f.os === pool.flavor.os)
    : [pool.flavor].filter(f => !f.custom);

  const next: PoolSpec = {
    ...spec,
    flavor: flavor === KEEP_CUSTOM ? spec.flavor : flavor,
    autoscaling: {
      ...spec.autoscaling,
      minReplicas: Number(min),
      maxReplicas: Number(max),
    },
    gitlab: { ...spec.gitlab, tags: parseTags(tags), runUntagged },
  };
  const errors = catalog ? validatePoolSpec(next, catalog) : [];
  const errorOf = (prefix: string) =>
    errors
      .filter(e => e.field === prefix || e.field.startsWith(`${prefix}[`))
      .map(e => e.message)
      .join('; ') || undefined;
  const scalingError = errorOf('autoscaling.scaleToZero');

  const save = async () => {
    setSaving(true);
    setSubmitError(undefined);
    try {
      const change = await api.updatePool(
        pool.id,
        {
          flavor: flavor === KEEP_CUSTOM ? undefined : flavor,
          autoscaling: {
            minReplicas: next.autoscaling.minReplicas,
            maxReplicas: next.autoscaling.maxReplicas,
          },
          tags: next.gitlab.tags,
          runUntagged,
        },
        // Without an ETag (an older backend) the change is sent unconditionally.
        { ifMatch: pool.etag },
      );
      alertApi.post({
        message: change.request
          ? `The change to ${pool.name} waits for approval; the pool keeps running as it is.`
          : `Applying the change to ${pool.name}.`,
        severity: 'success',
        display: 'transient',
      });
      onSaved(change);
    } catch (e) {
      if (isPreconditionFailed(e)) {
        alertApi.post({
          message: `Someone else changed ${pool.name} while you edited it; it was reloaded. Check it and make your change again.`,
          severity: 'warning',
        });
        onStale();
        return;
      }
      const message = `Could not change ${pool.name}: ${errorMessage(e)}`;
      setSubmitError(message);
      alertApi.post({ message, severity: 'error' });
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>Change {pool.name}</DialogTitle>
      <DialogContent>
        {submitError && (
          <Box mb={2}>
            <Alert severity="error">{submitError}</Alert>
          </Box>
        )}
        <Grid container spacing={2}>
          <Grid item xs={6}>
            <TextField
              id="edit-pool-min"
              label="Min VMs"
              type="number"
              fullWidth
              value={min}
              onChange={e => setMin(e.target.value)}
              error={!!(errorOf('autoscaling.minReplicas') ?? scalingError)}
              helperText={errorOf('autoscaling.minReplicas') ?? scalingError}
              inputProps={{ min: 0 }}
            />
          </Grid>
          <Grid item xs={6}>
            <TextField
              id="edit-pool-max"
              label="Max VMs"
              type="number"
              fullWidth
              value={max}
              onChange={e => setMax(e.target.value)}
              error={!!errorOf('autoscaling.maxReplicas')}
              helperText={errorOf('autoscaling.maxReplicas')}
              inputProps={{ min: 1 }}
            />
          </Grid>
          <Grid item xs={12}>
            <TextField
              select
              id="edit-pool-flavor"
              label="Flavor"
              fullWidth
              value={flavor}
              onChange={e => setFlavor(e.target.value)}
              error={!!errorOf('flavor')}
              helperText={
                errorOf('flavor') ??
                'A flavor change replaces the VMs one by one.'
              }
            >
              {typeof spec.flavor !== 'string' && (
                <MenuItem value={KEEP_CUSTOM}>
                  {pool.flavor.name} (custom, unchanged)
                </MenuItem>
              )}
              {flavorOptions.map(f => (
                <MenuItem key={f.name} value={f.name}>
                  {f.name} · {f.os} · {f.cpu} vCPU / {f.memoryGiB} GiB ·{' '}
                  {f.jobSlots} job slots
                </MenuItem>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={12}>
            <TextField
              id="edit-pool-tags"
              label="Tags"
              fullWidth
              value={tags}
              onChange={e => setTags(e.target.value)}
              error={!!errorOf('gitlab.tags')}
              helperText={
                errorOf('gitlab.tags') ?? 'Comma-separated, e.g. docker, linux'
              }
            />
          </Grid>
          <Grid item xs={12}>
            <FormControlLabel
              control={
                <Switch
                  checked={runUntagged}
                  onChange={e => setRunUntagged(e.target.checked)}
                />
              }
              label="Run untagged jobs"
            />
            {errorOf('gitlab.runUntagged') && (
              <FormHelperText error>
                {errorOf('gitlab.runUntagged')}
              </FormHelperText>
            )}
          </Grid>
        </Grid>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={save}
          disabled={saving || errors.length > 0}
        >
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}
