import { InfoCard } from '@backstage/core-components';
import FormHelperText from '@material-ui/core/FormHelperText';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import {
  FieldError,
  FlavorCatalog,
  MAX_REASON_LENGTH,
} from '@runner-fleet/plugin-runners-common';
import { CustomFlavorFields } from './CustomFlavorFields';
import { FlavorPicker } from './FlavorPicker';
import { GitLabFields } from './GitLabFields';
import { FIELD_OF_INPUT } from './formErrors';
import { CUSTOM_FLAVOR, PoolFormState, messagesFor } from './poolForm';
import { ScalingFields } from './ScalingFields';

/** Fields whose messages the form shows next to an input; anything else is listed apart. */
export const FORM_FIELDS = [
  'team',
  'name',
  'description',
  'reason',
  'flavor',
  'flavor.os',
  'flavor.cpu',
  'flavor.memoryGiB',
  'flavor.diskGiB',
  'flavor.jobSlots',
  'autoscaling.minReplicas',
  'autoscaling.maxReplicas',
  'autoscaling.targetUtilization',
  'autoscaling.scaleToZero',
  'autoscaling.burst',
  'autoscaling.burstMaxReplicas',
  'gitlab.scope.path',
  'gitlab.tags',
  'gitlab.runUntagged',
];

/** The request form's sections: team and name, flavor, scaling, GitLab. */
export function PoolRequestForm(props: {
  form: PoolFormState;
  teams: string[];
  catalog: FlavorCatalog;
  errors: FieldError[];
  customNeedsApproval: boolean;
  onChange: (patch: Partial<PoolFormState>) => void;
  /** A field's input was left; its messages may show from now on. */
  onTouch: (field: string) => void;
}) {
  const { form, teams, catalog, errors, customNeedsApproval, onChange } = props;
  const text = (
    field: 'name' | 'description' | 'reason',
    label: string,
    help: string,
  ) => {
    const messages = messagesFor(errors, field);
    return (
      <TextField
        id={`pool-${field}`}
        fullWidth
        multiline={field === 'reason'}
        label={label}
        value={form[field]}
        onChange={e => onChange({ [field]: e.target.value })}
        error={messages.length > 0}
        helperText={messages.length ? messages.join('; ') : help}
      />
    );
  };
  const teamMessages = messagesFor(errors, 'team');
  return (
    <Grid
      container
      spacing={3}
      direction="column"
      wrap="nowrap"
      onBlur={e => {
        const field = FIELD_OF_INPUT[e.target.id];
        if (field) props.onTouch(field);
      }}
    >
      <Grid item>
        <InfoCard title="Team and name">
          <Grid container spacing={2}>
            <Grid item xs={12} sm={4}>
              <TextField
                id="pool-team"
                select
                fullWidth
                label="Team"
                value={form.team}
                onChange={e => onChange({ team: e.target.value })}
                error={teamMessages.length > 0}
                helperText={
                  teamMessages.join('; ') || 'Only teams you belong to'
                }
              >
                {teams.map(t => (
                  <MenuItem key={t} value={t}>
                    {t}
                  </MenuItem>
                ))}
              </TextField>
            </Grid>
            <Grid item xs={12} sm={8}>
              {text(
                'name',
                'Pool name',
                'Lowercase letters, digits and -, e.g. builds',
              )}
            </Grid>
            <Grid item xs={12}>
              {text(
                'description',
                'Description',
                'Optional: what the pool is for',
              )}
            </Grid>
            <Grid item xs={12}>
              {text(
                'reason',
                'Why your team needs it',
                `Optional, at most ${MAX_REASON_LENGTH} characters: the platform team reads it when the request needs approval`,
              )}
            </Grid>
          </Grid>
        </InfoCard>
      </Grid>
      <Grid item>
        <InfoCard title="Flavor">
          <FlavorPicker
            catalog={catalog}
            os={form.os}
            flavor={form.flavor}
            messages={[
              ...messagesFor(errors, 'flavor'),
              ...messagesFor(errors, 'flavor.os'),
            ]}
            onOsChange={os => {
              const first = catalog.flavors.find(f => f.os === os)?.name;
              onChange({
                os,
                flavor:
                  form.flavor === CUSTOM_FLAVOR
                    ? CUSTOM_FLAVOR
                    : first ?? CUSTOM_FLAVOR,
                ...(os === 'windows' ? { burst: false } : {}),
                // The OS tag follows the OS: a Windows pool tagged `linux` would take Linux jobs.
                tags: [
                  os,
                  ...form.tags.filter(t => t !== 'linux' && t !== 'windows'),
                ],
              });
            }}
            onFlavorChange={flavor => onChange({ flavor })}
          />
          {form.flavor === CUSTOM_FLAVOR && (
            <>
              <FormHelperText>Custom shape</FormHelperText>
              <CustomFlavorFields
                os={form.os}
                value={form.custom}
                policy={catalog.custom}
                errors={errors}
                needsApproval={customNeedsApproval}
                onChange={custom => onChange({ custom })}
              />
            </>
          )}
        </InfoCard>
      </Grid>
      <Grid item>
        <InfoCard title="Scaling">
          <ScalingFields
            value={form}
            errors={errors}
            windows={form.os === 'windows'}
            onChange={onChange}
          />
        </InfoCard>
      </Grid>
      <Grid item>
        <InfoCard title="GitLab">
          <GitLabFields value={form} errors={errors} onChange={onChange} />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
