import { FieldError } from '@runner-fleet/plugin-runners-common';

/** API field names as the form labels them, longest first so that `burstMaxReplicas` wins. */
const LABELS: [RegExp, string][] = [
  [/\bburstMaxReplicas\b/g, 'Max burst VMs'],
  [/\bminReplicas\b/g, 'Min VMs'],
  [/\bmaxReplicas\b/g, 'Max VMs'],
  [/\btargetUtilization\b/g, 'Target utilisation'],
  [/\bscaleToZero\b/g, 'Scale to zero'],
  [/\brunUntagged\b/g, 'Run untagged jobs'],
  [/\bmemoryGiB\b/g, 'Memory (GiB)'],
  [/\bdiskGiB\b/g, 'Disk (GiB)'],
  [/\bjobSlots\b/g, 'Job slots per VM'],
  [/^cpu\b/, 'vCPU'],
  [/^name '/, "Pool name '"],
  [/^team '/, "Team '"],
  [/^description\b/, 'Description'],
  [/^reason\b/, 'Why your team needs it'],
];

/** The input whose blur reveals a field's messages, by the input's id. */
export const FIELD_OF_INPUT: Record<string, string> = {
  'pool-team': 'team',
  'pool-name': 'name',
  'pool-description': 'description',
  'pool-reason': 'reason',
  'pool-minReplicas': 'autoscaling.minReplicas',
  'pool-maxReplicas': 'autoscaling.maxReplicas',
  'pool-burstMaxReplicas': 'autoscaling.burstMaxReplicas',
  'custom-flavor-cpu': 'flavor.cpu',
  'custom-flavor-memoryGiB': 'flavor.memoryGiB',
  'custom-flavor-diskGiB': 'flavor.diskGiB',
  'custom-flavor-jobSlots': 'flavor.jobSlots',
  'pool-scope-path': 'gitlab.scope.path',
  'pool-tags': 'gitlab.tags',
};

/** A message in the form's words, and the fields whose touch reveals it. */
export interface FormError extends FieldError {
  touchedBy: string[];
}

const INVERTED = /^minReplicas \((\d+)\) is greater than maxReplicas \((\d+)\)/;

/**
 * Rewrites one validation message (written for API users, with API field names) in the form's
 * labels: "Max VMs must be at least Min VMs (5)", never "minReplicas (5) … maxReplicas (2)".
 */
export function humanizeError(error: FieldError): FormError {
  const base = error.field.replace(/\[\d+\]$/, '');
  const inverted = INVERTED.exec(error.message);
  if (error.field === 'autoscaling.minReplicas' && inverted) {
    // Shown under Max VMs, which is what a user usually meant to raise.
    return {
      field: 'autoscaling.maxReplicas',
      message: `Max VMs must be at least Min VMs (${inverted[1]}); raise Max VMs or lower Min VMs`,
      touchedBy: ['autoscaling.minReplicas', 'autoscaling.maxReplicas'],
    };
  }
  let message = error.message;
  for (const [pattern, label] of LABELS)
    message = message.replace(pattern, label);
  // Sentence case, except for a label that starts in lower case on purpose.
  if (!message.startsWith('vCPU')) {
    message = message.charAt(0).toUpperCase() + message.slice(1);
  }
  return { field: error.field, message, touchedBy: [base] };
}

/**
 * The messages to show now: a field's only once its input was left (blurred) or the form was
 * submitted; fields without a text input (switches, the flavor picker) at once, since changing
 * them is a deliberate click.
 */
export function visibleErrors(
  errors: FieldError[],
  touched: ReadonlySet<string>,
  submitted: boolean,
): FieldError[] {
  const typed = new Set(Object.values(FIELD_OF_INPUT));
  return errors
    .map(humanizeError)
    .filter(
      e => submitted || e.touchedBy.some(f => touched.has(f) || !typed.has(f)),
    )
    .map(({ field, message }) => ({ field, message }));
}
