import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/**
 * The value and `ui:options` of the `RunnerFlavorPicker` field: a standard flavor name such as
 * `m1.large`, optionally limited to one operating system.
 */
export const RunnerFlavorPickerFieldSchema = makeFieldSchema({
  output: z =>
    z.string().describe('The name of a standard flavor, e.g. m1.large'),
  uiOptions: z =>
    z.object({
      os: z
        .enum(['linux', 'windows'])
        .optional()
        .describe('Only offer the flavors of this operating system'),
    }),
});

/** The props the scaffolder form passes to the field. */
export type RunnerFlavorPickerProps =
  typeof RunnerFlavorPickerFieldSchema.TProps;

/** The field's `ui:options`. */
export type RunnerFlavorPickerUiOptions = NonNullable<
  RunnerFlavorPickerProps['uiSchema']['ui:options']
>;
