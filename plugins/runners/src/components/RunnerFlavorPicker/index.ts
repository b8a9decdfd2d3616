export { RunnerFlavorPicker } from './RunnerFlavorPicker';
export { RunnerFlavorPickerFieldSchema } from './schema';
export type { RunnerFlavorPickerUiOptions } from './schema';
export { validateRunnerFlavor } from './validateRunnerFlavor';
