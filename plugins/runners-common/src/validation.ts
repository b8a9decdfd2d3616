import { FlavorCatalog } from './flavors';
import { CustomFlavorRequest, PoolSpec } from './types';

/**
 * A problem with one field of a request, in words that say what to do.
 *
 * @public
 */
export interface FieldError {
  /** Dotted path of the field, e.g. `autoscaling.maxReplicas`. */
  field: string;
  message: string;
}

/** Pool names become Kubernetes object names: a DNS label, short enough for suffixes. */
export const POOL_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
/** Team names are catalog Group names in the default namespace. */
export const TEAM_NAME_PATTERN = /^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/;
/** GitLab runner tags: no commas (the API joins them with commas), no surrounding spaces. */
export const TAG_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._:/-]{0,62}[A-Za-z0-9])?$/;
/** A GitLab group or project full path. */
export const GITLAB_PATH_PATTERN =
  /^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)*$/;
/**
 * Longest reason a requester may give for a pool.
 *
 * @public
 */
export const MAX_REASON_LENGTH = 500;
/** Most tags one runner may carry. */
export const MAX_TAGS = 20;
/** Most VMs one pool may run on one cluster. */
export const MAX_REPLICAS_LIMIT = 500;

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/**
 * Checks a pool spec against the rules and the flavor catalog. The same function serves the
 * portal (validation as you type) and the backend (authoritative check).
 *
 * @public
 */
export function validatePoolSpec(
  spec: PoolSpec,
  catalog: FlavorCatalog,
): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) =>
    errors.push({ field, message });

  if (!TEAM_NAME_PATTERN.test(spec.team ?? '')) {
    fail(
      'team',
      `team '${
        spec.team ?? ''
      }' is not a valid group name; use the catalog name of your team, e.g. 'payments'`,
    );
  }
  if (!POOL_NAME_PATTERN.test(spec.name ?? '')) {
    fail(
      'name',
      `name '${
        spec.name ?? ''
      }' is not allowed; use 1-40 lowercase letters, digits and '-', starting with a letter and not ending with '-'`,
    );
  }
  if (spec.description !== undefined && spec.description.length > 255) {
    fail(
      'description',
      'description is longer than 255 characters; shorten it',
    );
  }

  if (spec.reason !== undefined && spec.reason.length > MAX_REASON_LENGTH) {
    fail(
      'reason',
      `reason is longer than ${MAX_REASON_LENGTH} characters (${spec.reason.length}); shorten it`,
    );
  }

  validateFlavor(spec.flavor, catalog, fail);
  const os =
    typeof spec.flavor === 'string'
      ? catalog.flavors.find(f => f.name === spec.flavor)?.os
      : spec.flavor.os;
  if (os === 'windows' && spec.autoscaling.burst) {
    fail(
      'autoscaling.burst',
      'Windows pools cannot burst (each burst VM would clone the golden image to the burst cluster); turn burst off or pick a Linux flavor',
    );
  }

  const a = spec.autoscaling;
  if (!isInt(a.minReplicas) || a.minReplicas < 0) {
    fail(
      'autoscaling.minReplicas',
      'minReplicas must be a whole number of 0 or more',
    );
  }
  if (
    !isInt(a.maxReplicas) ||
    a.maxReplicas < 1 ||
    a.maxReplicas > MAX_REPLICAS_LIMIT
  ) {
    fail(
      'autoscaling.maxReplicas',
      `maxReplicas must be a whole number from 1 to ${MAX_REPLICAS_LIMIT}`,
    );
  } else if (isInt(a.minReplicas) && a.minReplicas > a.maxReplicas) {
    fail(
      'autoscaling.minReplicas',
      `minReplicas (${a.minReplicas}) is greater than maxReplicas (${a.maxReplicas}); lower minReplicas or raise maxReplicas`,
    );
  }
  if (!(a.targetUtilization > 0 && a.targetUtilization <= 1)) {
    fail(
      'autoscaling.targetUtilization',
      'targetUtilization must be above 0 and at most 1 (e.g. 0.3 for 30% of job slots busy)',
    );
  }
  if (a.scaleToZero && a.minReplicas > 0) {
    fail(
      'autoscaling.scaleToZero',
      'scaleToZero needs minReplicas 0; set minReplicas to 0 or turn scaleToZero off',
    );
  }
  if (
    a.burstMaxReplicas !== undefined &&
    (!isInt(a.burstMaxReplicas) ||
      a.burstMaxReplicas < 1 ||
      a.burstMaxReplicas > MAX_REPLICAS_LIMIT)
  ) {
    fail(
      'autoscaling.burstMaxReplicas',
      `burstMaxReplicas must be a whole number from 1 to ${MAX_REPLICAS_LIMIT}`,
    );
  }

  validateSchedules(a, fail);

  const g = spec.gitlab;
  if (
    g.scope.type !== 'instance' &&
    !GITLAB_PATH_PATTERN.test(g.scope.path ?? '')
  ) {
    fail(
      'gitlab.scope.path',
      `a ${g.scope.type} runner needs the GitLab ${g.scope.type} path, e.g. 'engineering/payments'`,
    );
  }
  if (g.tags.length > MAX_TAGS) {
    fail(
      'gitlab.tags',
      `at most ${MAX_TAGS} tags; remove ${g.tags.length - MAX_TAGS}`,
    );
  }
  const seen = new Set<string>();
  g.tags.forEach((tag, i) => {
    if (!TAG_PATTERN.test(tag)) {
      fail(
        `gitlab.tags[${i}]`,
        `tag '${tag}' is not allowed; use letters, digits and . _ : / - (no commas or spaces), at most 64 characters`,
      );
    } else if (seen.has(tag)) {
      fail(`gitlab.tags[${i}]`, `tag '${tag}' is listed twice`);
    }
    seen.add(tag);
  });
  if (g.tags.length === 0 && !g.runUntagged) {
    fail(
      'gitlab.runUntagged',
      'a runner without tags must run untagged jobs, or it would never get a job; add a tag or enable runUntagged',
    );
  }
  return errors;
}

function validateFlavor(
  flavor: PoolSpec['flavor'],
  catalog: FlavorCatalog,
  fail: (field: string, message: string) => void,
) {
  if (typeof flavor === 'string') {
    if (!catalog.flavors.some(f => f.name === flavor)) {
      fail(
        'flavor',
        `flavor '${flavor}' does not exist; available: ${catalog.flavors
          .map(f => f.name)
          .join(', ')}`,
      );
    }
    return;
  }
  validateCustomFlavor(flavor, catalog, fail);
}

function validateCustomFlavor(
  req: CustomFlavorRequest,
  { custom }: FlavorCatalog,
  fail: (field: string, message: string) => void,
) {
  if (!custom.enabled) {
    fail(
      'flavor',
      'custom flavors are turned off here; pick a standard flavor',
    );
    return;
  }
  if (req.os !== 'linux' && req.os !== 'windows') {
    fail('flavor.os', `os must be 'linux' or 'windows'`);
  }
  if (!isInt(req.cpu) || req.cpu < custom.minCpu || req.cpu > custom.maxCpu) {
    fail(
      'flavor.cpu',
      `cpu must be a whole number from ${custom.minCpu} to ${custom.maxCpu} vCPU`,
    );
  }
  if (
    !isInt(req.memoryGiB) ||
    req.memoryGiB < custom.minMemoryGiB ||
    req.memoryGiB > custom.maxMemoryGiB
  ) {
    fail(
      'flavor.memoryGiB',
      `memoryGiB must be a whole number from ${custom.minMemoryGiB} to ${custom.maxMemoryGiB}`,
    );
  }
  if (
    !isInt(req.diskGiB) ||
    req.diskGiB < 20 ||
    req.diskGiB > custom.maxDiskGiB
  ) {
    fail(
      'flavor.diskGiB',
      `diskGiB must be a whole number from 20 to ${custom.maxDiskGiB}`,
    );
  }
  if (
    req.jobSlots !== undefined &&
    (!isInt(req.jobSlots) || req.jobSlots < 1 || req.jobSlots > 64)
  ) {
    fail('flavor.jobSlots', 'jobSlots must be a whole number from 1 to 64');
  }
}

/** Most schedules a pool may have. */
export const MAX_SCHEDULES = 8;
const CRON_DAYS = /^(\*|[0-6](-[0-6])?(,[0-6](-[0-6])?)*)$/;

function knownTimeZone(timezone: string): boolean {
  try {
    // The constructor throws a RangeError for a time zone the runtime does not know.
    return (
      new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions()
        .timeZone !== undefined
    );
  } catch {
    return false;
  }
}

function validateSchedules(
  a: PoolSpec['autoscaling'],
  fail: (field: string, message: string) => void,
) {
  const schedules = a.schedules ?? [];
  if (schedules.length > MAX_SCHEDULES) {
    fail(
      'autoscaling.schedules',
      `at most ${MAX_SCHEDULES} schedules; merge windows that follow each other`,
    );
  }
  schedules.forEach((s, i) => {
    const key = `autoscaling.schedules[${i}]`;
    if (!CRON_DAYS.test(s.days)) {
      fail(
        `${key}.days`,
        `days '${s.days}' is not a cron day-of-week field; use e.g. '1-5' (Monday to Friday), '0,6' or '*'`,
      );
    }
    if (!isInt(s.startHour) || s.startHour < 0 || s.startHour > 23) {
      fail(`${key}.startHour`, 'startHour must be a whole hour from 0 to 23');
    }
    if (!isInt(s.endHour) || s.endHour <= s.startHour || s.endHour > 24) {
      fail(
        `${key}.endHour`,
        `endHour must be a whole hour after startHour (${s.startHour}) and at most 24`,
      );
    }
    if (
      !isInt(s.minReplicas) ||
      s.minReplicas < 1 ||
      s.minReplicas > a.maxReplicas
    ) {
      fail(
        `${key}.minReplicas`,
        `minReplicas must be a whole number from 1 to maxReplicas (${a.maxReplicas})`,
      );
    }
    if (!knownTimeZone(s.timezone)) {
      fail(
        `${key}.timezone`,
        `'${s.timezone}' is not an IANA time zone; use e.g. 'UTC' or 'Europe/Berlin'`,
      );
    }
  });
}
