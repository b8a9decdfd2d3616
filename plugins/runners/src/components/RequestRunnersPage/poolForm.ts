import {
  FieldError,
  GitLabScope,
  PoolSpec,
  RunnerOs,
} from '@runner-fleet/plugin-runners-common';

/** The flavor choice that stands for a custom shape. */
export const CUSTOM_FLAVOR = 'custom';

/** What the request form holds; numbers stay strings while the user types them. */
export interface PoolFormState {
  team: string;
  name: string;
  description: string;
  /** Why the team needs the pool, for the approver. */
  reason: string;
  os: RunnerOs;
  /** A standard flavor name, or {@link CUSTOM_FLAVOR}. */
  flavor: string;
  custom: { cpu: string; memoryGiB: string; diskGiB: string; jobSlots: string };
  minReplicas: string;
  maxReplicas: string;
  /** Percent of job slots that should be busy, 1–100. */
  targetUtilizationPct: number;
  scaleToZero: boolean;
  burst: boolean;
  burstMaxReplicas: string;
  scopeType: GitLabScope['type'];
  scopePath: string;
  tags: string[];
  runUntagged: boolean;
}

/** A sensible first pool: one always-on m1.large VM scaling to five, 30% target. */
export function initialPoolForm(
  team: string,
  flavor = 'm1.large',
): PoolFormState {
  return {
    team,
    name: '',
    description: '',
    reason: '',
    os: 'linux',
    flavor,
    custom: { cpu: '8', memoryGiB: '16', diskGiB: '80', jobSlots: '' },
    minReplicas: '1',
    maxReplicas: '5',
    targetUtilizationPct: 30,
    scaleToZero: false,
    burst: false,
    burstMaxReplicas: '',
    scopeType: 'group',
    scopePath: '',
    // The OS tag is what pipelines (and the embedded simulator's traffic, see
    // fleet-simulator/src/traffic) ask for; a pool without it would never get a job there.
    tags: ['linux'],
    runUntagged: true,
  };
}

/** Splits a comma- or space-separated tag list. */
export function parseTags(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map(t => t.trim())
    .filter(Boolean);
}

/** A typed number, NaN when blank (validation then names the field). */
function num(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

/** The spec the form describes. */
export function toPoolSpec(form: PoolFormState): PoolSpec {
  const jobSlots = form.custom.jobSlots.trim();
  return {
    team: form.team,
    name: form.name.trim(),
    description: form.description.trim() || undefined,
    reason: form.reason.trim() || undefined,
    flavor:
      form.flavor === CUSTOM_FLAVOR
        ? {
            os: form.os,
            cpu: num(form.custom.cpu),
            memoryGiB: num(form.custom.memoryGiB),
            diskGiB: num(form.custom.diskGiB),
            jobSlots: jobSlots ? num(jobSlots) : undefined,
          }
        : form.flavor,
    autoscaling: {
      minReplicas: num(form.minReplicas),
      maxReplicas: num(form.maxReplicas),
      targetUtilization: form.targetUtilizationPct / 100,
      scaleToZero: form.scaleToZero,
      burst: form.burst,
      burstMaxReplicas:
        form.burst && form.burstMaxReplicas.trim()
          ? num(form.burstMaxReplicas)
          : undefined,
    },
    gitlab: {
      scope:
        form.scopeType === 'instance'
          ? { type: 'instance' }
          : { type: form.scopeType, path: form.scopePath.trim() },
      tags: form.tags,
      runUntagged: form.runUntagged,
    },
  };
}

/**
 * Whether the server can be asked about the spec: every number is a whole number, which the
 * API's schema insists on (the client check names the field otherwise).
 */
export function isSendable(spec: PoolSpec): boolean {
  const whole = (n: number | undefined) =>
    n === undefined || Number.isInteger(n);
  const a = spec.autoscaling;
  const f = typeof spec.flavor === 'string' ? undefined : spec.flavor;
  return (
    spec.team !== '' &&
    whole(a.minReplicas) &&
    whole(a.maxReplicas) &&
    whole(a.burstMaxReplicas) &&
    (!f || [f.cpu, f.memoryGiB, f.diskGiB, f.jobSlots].every(whole))
  );
}

/**
 * Messages for one field: its own, and those of its list items (`gitlab.tags[2]`), deduplicated
 * so that the client's and the server's identical findings show once.
 */
export function messagesFor(errors: FieldError[], field: string): string[] {
  const own = errors.filter(
    e => e.field === field || e.field.startsWith(`${field}[`),
  );
  return [...new Set(own.map(e => e.message))];
}
