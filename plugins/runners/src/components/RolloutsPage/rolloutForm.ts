import { FleetRolloutInput } from '@runner-fleet/plugin-runners-common';

/** The start form as typed: numbers stay text until they are checked. */
export interface RolloutForm {
  flavor: string;
  canaryPools: string;
  maxVmPercent: string;
}

/** What the form starts with: one canary pool, at most 25 % of the VMs replacing at once. */
export const EMPTY_ROLLOUT_FORM: RolloutForm = {
  flavor: '',
  canaryPools: '1',
  maxVmPercent: '25',
};

/** What is wrong with each field, in words naming the field; empty when the form can be sent. */
export type RolloutFormErrors = Partial<Record<keyof RolloutForm, string>>;

const number = (text: string) => (text.trim() === '' ? NaN : Number(text));

/** Checks the form the way the backend will, so most mistakes never reach it. */
export function validateRolloutForm(
  form: RolloutForm,
  flavors: string[],
): RolloutFormErrors {
  const errors: RolloutFormErrors = {};
  if (!form.flavor) {
    errors.flavor =
      'Flavor: pick the flavor whose catalog definition to roll out';
  } else if (!flavors.includes(form.flavor)) {
    errors.flavor = `Flavor: '${form.flavor}' is not in the catalog`;
  }
  const canary = number(form.canaryPools);
  if (!Number.isInteger(canary) || canary < 0) {
    errors.canaryPools =
      'Canary pools: a whole number of pools, 0 or more (default 1)';
  }
  const percent = number(form.maxVmPercent);
  if (!(percent > 0 && percent <= 100)) {
    errors.maxVmPercent =
      'Max VMs replacing: a percentage above 0 and at most 100 (default 25)';
  }
  return errors;
}

/** The request body of a valid form. */
export function rolloutInput(form: RolloutForm): FleetRolloutInput {
  return {
    flavor: form.flavor,
    canaryPools: Number(form.canaryPools),
    maxVmPercent: Number(form.maxVmPercent),
  };
}
