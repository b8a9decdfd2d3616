import {
  EMPTY_ROLLOUT_FORM,
  rolloutInput,
  validateRolloutForm,
} from './rolloutForm';

const flavors = ['m1.large', 'm1.xlarge'];

describe('validateRolloutForm', () => {
  it('asks for a flavor and accepts the defaults', () => {
    expect(validateRolloutForm(EMPTY_ROLLOUT_FORM, flavors)).toEqual({
      flavor: 'Flavor: pick the flavor whose catalog definition to roll out',
    });
    const form = { ...EMPTY_ROLLOUT_FORM, flavor: 'm1.large' };
    expect(validateRolloutForm(form, flavors)).toEqual({});
    expect(rolloutInput(form)).toEqual({
      flavor: 'm1.large',
      canaryPools: 1,
      maxVmPercent: 25,
    });
  });

  it('names the field that is wrong', () => {
    const errors = validateRolloutForm(
      { flavor: 'm9.huge', canaryPools: '1.5', maxVmPercent: '0' },
      flavors,
    );
    expect(errors.flavor).toBe("Flavor: 'm9.huge' is not in the catalog");
    expect(errors.canaryPools).toMatch(/^Canary pools: a whole number/);
    expect(errors.maxVmPercent).toMatch(/^Max VMs replacing: a percentage/);
    expect(
      validateRolloutForm(
        { flavor: 'm1.large', canaryPools: '', maxVmPercent: '101' },
        flavors,
      ),
    ).toEqual({
      canaryPools: expect.stringMatching(/^Canary pools/),
      maxVmPercent: expect.stringMatching(/^Max VMs replacing/),
    });
    expect(
      validateRolloutForm(
        { flavor: 'm1.large', canaryPools: '0', maxVmPercent: '100' },
        flavors,
      ),
    ).toEqual({});
  });
});
