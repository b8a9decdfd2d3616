import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import Grid from '@material-ui/core/Grid';
import Slider from '@material-ui/core/Slider';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { FieldError } from '@runner-fleet/plugin-runners-common';
import { PoolFormState, messagesFor } from './poolForm';

type Scaling = Pick<
  PoolFormState,
  | 'minReplicas'
  | 'maxReplicas'
  | 'targetUtilizationPct'
  | 'scaleToZero'
  | 'burst'
  | 'burstMaxReplicas'
>;

function Messages(props: { messages: string[] }) {
  return (
    <>
      {props.messages.map(m => (
        <FormHelperText error key={m}>
          {m}
        </FormHelperText>
      ))}
    </>
  );
}

/** Min/max VMs, target utilisation, scale to zero and burst. */
export function ScalingFields(props: {
  value: Scaling;
  errors: FieldError[];
  windows: boolean;
  onChange: (patch: Partial<Scaling>) => void;
}) {
  const { value, errors, windows, onChange } = props;
  const at = (field: string) => messagesFor(errors, `autoscaling.${field}`);
  const number = (
    key: 'minReplicas' | 'maxReplicas' | 'burstMaxReplicas',
    label: string,
    help: string,
  ) => {
    const messages = at(key);
    return (
      <TextField
        id={`pool-${key}`}
        label={label}
        type="number"
        fullWidth
        value={value[key]}
        onChange={e => onChange({ [key]: e.target.value })}
        inputProps={{ min: 0, step: 1 }}
        error={messages.length > 0}
        helperText={messages.length ? messages.join('; ') : help}
      />
    );
  };
  return (
    <Grid container spacing={2}>
      <Grid item xs={6}>
        {number('minReplicas', 'Min VMs', 'Always running, even without jobs')}
      </Grid>
      <Grid item xs={6}>
        {number('maxReplicas', 'Max VMs', 'Reserved against your team quota')}
      </Grid>
      <Grid item xs={12}>
        <Typography id="target-utilisation" gutterBottom>
          Target utilisation: {value.targetUtilizationPct}% of job slots busy
        </Typography>
        <Slider
          aria-labelledby="target-utilisation"
          value={value.targetUtilizationPct}
          min={5}
          max={100}
          step={5}
          onChange={(_e, v) => onChange({ targetUtilizationPct: Number(v) })}
        />
        <Typography variant="caption" color="textSecondary">
          Lower means more idle VMs and shorter queues; higher means fewer VMs
          and longer waits.
        </Typography>
        <Messages messages={at('targetUtilization')} />
      </Grid>
      <Grid item xs={12} sm={6}>
        <FormControlLabel
          control={
            <Switch
              checked={value.scaleToZero}
              onChange={e =>
                onChange({
                  scaleToZero: e.target.checked,
                  ...(e.target.checked ? { minReplicas: '0' } : {}),
                })
              }
            />
          }
          label="Scale to zero when idle"
        />
        <Messages messages={at('scaleToZero')} />
      </Grid>
      <Grid item xs={12} sm={6}>
        <FormControlLabel
          control={
            <Switch
              checked={value.burst}
              onChange={e => onChange({ burst: e.target.checked })}
            />
          }
          label="Burst to the public cloud at max"
        />
        {windows && !value.burst && (
          <FormHelperText>Windows pools cannot burst.</FormHelperText>
        )}
        <Messages messages={at('burst')} />
      </Grid>
      {value.burst && (
        <Grid item xs={12} sm={6}>
          {number(
            'burstMaxReplicas',
            'Max burst VMs',
            'Optional; not charged to your quota',
          )}
        </Grid>
      )}
    </Grid>
  );
}
