import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { RunnerFlavorPicker } from './RunnerFlavorPicker';
import { RunnerFlavorPickerFieldSchema } from './schema';
import { validateRunnerFlavor } from './validateRunnerFlavor';

/** The `RunnerFlavorPicker` field for the scaffolder of the new frontend system. */
export const runnerFlavorPickerFormField = createFormField({
  name: 'RunnerFlavorPicker',
  component: RunnerFlavorPicker,
  validation: validateRunnerFlavor,
  schema: RunnerFlavorPickerFieldSchema,
});
