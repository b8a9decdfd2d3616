import { ScaffolderField } from '@backstage/plugin-scaffolder-react/alpha';
import Button from '@material-ui/core/Button';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { useFlavors } from '@runner-fleet/plugin-runners-react';
import { errorMessage } from '../../hooks/errors';
import { describeFlavor, offeredFlavors } from './offeredFlavors';
import { RunnerFlavorPickerProps } from './schema';

/**
 * The `RunnerFlavorPicker` scaffolder field: the standard flavors from the runners API, so that
 * templates never carry their own copy of the list. Its value is the flavor name.
 */
export function RunnerFlavorPicker(props: RunnerFlavorPickerProps) {
  const {
    schema: { title = 'Flavor', description },
    uiSchema,
    idSchema,
    formData,
    onChange,
    required,
    disabled,
    readonly,
    rawErrors = [],
    errors,
  } = props;
  const os = uiSchema['ui:options']?.os;
  const { loading, error, value: catalog, retry } = useFlavors();
  const flavors = catalog ? offeredFlavors(catalog, os) : [];
  const selected = flavors.find(f => f.name === formData);

  const scope = os ? ` for ${os}` : '';
  let helperText: string | undefined;
  if (loading) helperText = 'Loading flavors…';
  else if (catalog && flavors.length === 0) {
    helperText = `No standard flavors are offered${scope}; ask the platform team to add one.`;
  } else if (catalog && formData && !selected) {
    // Say so at once: a name from the URL or an older template would be rejected on submit.
    helperText = `'${formData}' is not offered${scope}; choose another flavor.`;
  } else if (selected) helperText = describeFlavor(selected);

  return (
    <ScaffolderField
      rawErrors={rawErrors}
      rawDescription={uiSchema['ui:description'] ?? description}
      required={required}
      disabled={disabled}
      errors={errors}
    >
      {error ? (
        <Alert
          severity="error"
          action={
            <Button color="inherit" size="small" onClick={retry}>
              Retry
            </Button>
          }
        >
          Could not load the runner flavors: {errorMessage(error)}
        </Alert>
      ) : (
        <TextField
          id={idSchema?.$id ?? 'runner-flavor-picker'}
          select
          label={title}
          variant="outlined"
          margin="dense"
          // The asterisk only: a native `required` would stop the form before the scaffolder
          // can list the missing field with the other errors.
          InputLabelProps={{ required }}
          disabled={disabled || readonly || loading || flavors.length === 0}
          value={selected ? selected.name : ''}
          onChange={e => onChange(e.target.value)}
          error={rawErrors.length > 0 || (!!catalog && !!formData && !selected)}
          helperText={helperText}
          FormHelperTextProps={{ style: { marginLeft: 0 } }}
          SelectProps={{ renderValue: value => String(value) }}
        >
          {flavors.map(f => (
            <MenuItem key={f.name} value={f.name}>
              <ListItemText
                primary={
                  f.description ? `${f.name} — ${f.description}` : f.name
                }
                secondary={describeFlavor(f)}
              />
            </MenuItem>
          ))}
        </TextField>
      )}
    </ScaffolderField>
  );
}
