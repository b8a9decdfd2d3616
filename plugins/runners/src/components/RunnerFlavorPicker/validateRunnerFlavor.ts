import { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { FlavorCatalog } from '@runner-fleet/plugin-runners-common';
import { runnersApiRef } from '@runner-fleet/plugin-runners-react';
import { offeredFlavors } from './offeredFlavors';
import { RunnerFlavorPickerUiOptions } from './schema';

/**
 * Checks the chosen flavor against the runners API before the template moves on: a value is
 * required, and it has to be a standard flavor offered for the field's OS. This also catches
 * names that come in through `formData` in the URL or from an older catalog.
 */
export const validateRunnerFlavor: CustomFieldValidator<
  string,
  RunnerFlavorPickerUiOptions
> = async (value, validation, { apiHolder, uiSchema }) => {
  if (!value) {
    validation.addError('Choose a flavor for the runner VMs.');
    return;
  }
  const api = apiHolder.get(runnersApiRef);
  let catalog: FlavorCatalog | undefined;
  try {
    catalog = await api?.getFlavors();
  } catch {
    // The field already shows why the flavors could not be loaded, and the runners backend
    // checks the flavor again when the pool is created.
  }
  if (!catalog) return;
  const os = uiSchema?.['ui:options']?.os;
  const offered = offeredFlavors(catalog, os).map(f => f.name);
  if (!offered.includes(value)) {
    const scope = os ? ` for ${os}` : '';
    const choices = offered.join(', ');
    validation.addError(
      offered.length
        ? `Flavor '${value}' is not offered${scope}; choose one of ${choices}.`
        : `No standard flavors are offered${scope}; ask the platform team to add one.`,
    );
  }
};
