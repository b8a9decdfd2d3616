import {
  AutoscalingSpec,
  CustomFlavorRequest,
  GitLabScope,
  PoolSpec,
  ScalingSchedule,
} from '@runner-fleet/plugin-runners-common';
import { InputError } from '@backstage/errors';
import { AutoscalingDefaults } from '../config';

/** A pool spec as the API accepts it: everything with a sensible default may be left out. */
export interface PoolSpecInput {
  team: string;
  name: string;
  description?: string;
  reason?: string;
  flavor: string | CustomFlavorRequest;
  autoscaling: Partial<Omit<AutoscalingSpec, 'schedules'>> &
    Pick<AutoscalingSpec, 'minReplicas' | 'maxReplicas'> & {
      /** The time zone may be left out: UTC. */
      schedules?: Array<
        Omit<ScalingSchedule, 'timezone'> & { timezone?: string }
      >;
    };
  gitlab: {
    scope: { type: GitLabScope['type']; path?: string };
    tags?: string[];
    runUntagged?: boolean;
  };
}

const KNOWN_FIELDS: Record<string, string[]> = {
  '': [
    'team',
    'name',
    'description',
    'reason',
    'flavor',
    'autoscaling',
    'gitlab',
  ],
  autoscaling: [
    'minReplicas',
    'maxReplicas',
    'targetUtilization',
    'scaleToZero',
    'burst',
    'burstMaxReplicas',
    'schedules',
  ],
  gitlab: ['scope', 'tags', 'runUntagged'],
  'gitlab.scope': ['type', 'path'],
  flavor: ['os', 'cpu', 'memoryGiB', 'diskGiB', 'jobSlots'],
  update: ['description', 'flavor', 'autoscaling', 'tags', 'runUntagged'],
};

/**
 * Throws an InputError naming the first field the API does not know, so a typo is not silently
 * dropped. `kind` is 'spec' for a full pool spec, 'update' for a change.
 */
export function assertKnownFields(
  body: unknown,
  kind: 'spec' | 'update',
): void {
  const check = (value: unknown, path: string, known: string[]) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        const field = path ? `${path}.${key}` : key;
        throw new InputError(
          `${field}: unknown field '${key}'; allowed here: ${known.join(', ')}`,
        );
      }
    }
  };
  const b = body as Record<string, Record<string, unknown> | undefined>;
  check(b, '', kind === 'spec' ? KNOWN_FIELDS[''] : KNOWN_FIELDS.update);
  check(b.autoscaling, 'autoscaling', KNOWN_FIELDS.autoscaling);
  check(b.flavor, 'flavor', KNOWN_FIELDS.flavor);
  if (kind === 'spec') {
    check(b.gitlab, 'gitlab', KNOWN_FIELDS.gitlab);
    check(b.gitlab?.scope, 'gitlab.scope', KNOWN_FIELDS['gitlab.scope']);
  }
}

/** Fills in the defaults so stored specs are complete and comparable. */
export function normalizePoolSpec(
  input: PoolSpecInput,
  defaults: AutoscalingDefaults,
): PoolSpec {
  const a = input.autoscaling;
  const scope: GitLabScope =
    input.gitlab.scope.type === 'instance'
      ? { type: 'instance' }
      : { type: input.gitlab.scope.type, path: input.gitlab.scope.path ?? '' };
  const autoscaling: AutoscalingSpec = {
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    targetUtilization: a.targetUtilization ?? defaults.targetUtilization,
    scaleToZero: a.scaleToZero ?? a.minReplicas === 0,
    burst: a.burst ?? false,
  };
  if (a.burstMaxReplicas !== undefined)
    autoscaling.burstMaxReplicas = a.burstMaxReplicas;
  // Stored only when set, so pools without schedules keep their spec (and template hash).
  if (a.schedules?.length) {
    autoscaling.schedules = a.schedules.map(s => ({
      days: s.days,
      startHour: s.startHour,
      endHour: s.endHour,
      minReplicas: s.minReplicas,
      timezone: s.timezone ?? 'UTC',
    }));
  }
  const spec: PoolSpec = {
    team: input.team,
    name: input.name,
    flavor: input.flavor,
    autoscaling,
    gitlab: {
      scope,
      tags: input.gitlab.tags ?? [],
      runUntagged:
        input.gitlab.runUntagged ?? (input.gitlab.tags ?? []).length === 0,
    },
  };
  if (input.description) spec.description = input.description;
  // Stored with the spec (JSON), for the approver; blank is the same as none.
  if (input.reason?.trim()) spec.reason = input.reason.trim();
  return spec;
}
