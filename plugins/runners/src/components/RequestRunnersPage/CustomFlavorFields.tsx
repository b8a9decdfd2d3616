import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import {
  CustomFlavorPolicy,
  FieldError,
  costWeightOf,
  defaultJobSlots,
} from '@runner-fleet/plugin-runners-common';
import { PoolFormState, messagesFor } from './poolForm';

type Custom = PoolFormState['custom'];

/** Bounded inputs for a custom shape, with a clear hint when it needs approval. */
export function CustomFlavorFields(props: {
  os: PoolFormState['os'];
  value: Custom;
  policy: CustomFlavorPolicy;
  errors: FieldError[];
  needsApproval: boolean;
  onChange: (value: Custom) => void;
}) {
  const { os, value, policy, errors, needsApproval, onChange } = props;
  const field = (
    key: keyof Custom,
    label: string,
    bounds: { min: number; max: number },
    help: string,
  ) => {
    const messages = messagesFor(errors, `flavor.${key}`);
    return (
      <Grid item xs={6} md={3}>
        <TextField
          id={`custom-flavor-${key}`}
          label={label}
          type="number"
          fullWidth
          value={value[key]}
          onChange={e => onChange({ ...value, [key]: e.target.value })}
          inputProps={{ min: bounds.min, max: bounds.max, step: 1 }}
          error={messages.length > 0}
          helperText={messages.length ? messages.join('; ') : help}
        />
      </Grid>
    );
  };
  const cpu = Number(value.cpu);
  const memoryGiB = Number(value.memoryGiB);
  const cost =
    cpu > 0 && memoryGiB > 0 ? costWeightOf({ os, cpu, memoryGiB }) : undefined;
  return (
    <>
      <Grid container spacing={2}>
        {field(
          'cpu',
          'vCPU',
          { min: policy.minCpu, max: policy.maxCpu },
          `${policy.minCpu}–${policy.maxCpu}; approval above ${policy.approvalAboveCpu}`,
        )}
        {field(
          'memoryGiB',
          'Memory (GiB)',
          { min: policy.minMemoryGiB, max: policy.maxMemoryGiB },
          `${policy.minMemoryGiB}–${policy.maxMemoryGiB}; approval above ${policy.approvalAboveMemoryGiB}`,
        )}
        {field(
          'diskGiB',
          'Disk (GiB)',
          { min: 20, max: policy.maxDiskGiB },
          `20–${policy.maxDiskGiB}`,
        )}
        {field(
          'jobSlots',
          'Job slots per VM',
          { min: 1, max: 64 },
          `Default ${cpu > 0 ? defaultJobSlots(cpu) : 'one per 2 vCPU'}${
            cost !== undefined ? ` · relative cost ${cost}×` : ''
          }`,
        )}
      </Grid>
      {needsApproval && (
        <Alert severity="warning" style={{ marginTop: 16 }}>
          Needs approval: custom flavors above {policy.approvalAboveCpu} vCPU or{' '}
          {policy.approvalAboveMemoryGiB} GiB wait for the platform team before
          they are provisioned.
        </Alert>
      )}
    </>
  );
}
