import { createFieldValidation } from '@backstage/plugin-scaffolder-react/alpha';
import { TestApiRegistry } from '@backstage/test-utils';
import { RunnersApi, runnersApiRef } from '@runner-fleet/plugin-runners-react';
import { mockRunnersApi } from '../../__testUtils__/render';
import { validateRunnerFlavor } from './validateRunnerFlavor';

async function validate(
  value: string,
  options: { api?: RunnersApi; os?: 'linux' | 'windows' } = {},
) {
  const validation = createFieldValidation();
  await validateRunnerFlavor(value, validation, {
    apiHolder: TestApiRegistry.from([
      runnersApiRef,
      options.api ?? mockRunnersApi(),
    ]),
    formData: { flavor: value },
    schema: { type: 'string' },
    uiSchema: options.os ? { 'ui:options': { os: options.os } } : {},
  });
  return validation.__errors;
}

describe('validateRunnerFlavor', () => {
  it('asks for a flavor when the value is empty', async () => {
    expect(await validate('')).toEqual(['Choose a flavor for the runner VMs.']);
  });

  it('accepts a standard flavor of the OS and names the choices otherwise', async () => {
    expect(await validate('m1.xlarge', { os: 'linux' })).toEqual([]);
    expect(await validate('m9.huge')).toEqual([
      "Flavor 'm9.huge' is not offered; choose one of m1.large, m1.xlarge, m1.xxlarge, win.xlarge.",
    ]);
  });

  it('leaves the check to the backend when the flavors cannot be loaded', async () => {
    const api = mockRunnersApi({
      getFlavors: jest.fn().mockRejectedValue(new Error('503 unavailable')),
    });
    expect(await validate('m1.large', { api })).toEqual([]);
  });
});
