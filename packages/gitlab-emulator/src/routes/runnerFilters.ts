import { EmulatorCore } from '../EmulatorCore';
import { apiError } from '../http/errors';
import { PAGINATION_PARAMS, ParamSpec, Params } from '../http/params';
import { matchesStatusScope } from '../model/status';
import { RUNNER_TYPES, RunnerRecord } from '../model/types';

/** `Ci::Runner::AVAILABLE_STATUSES_INCL_DEPRECATED` */
export const STATUSES_INCL_DEPRECATED = [
  'active',
  'paused',
  'online',
  'offline',
  'never_contacted',
  'stale',
] as const;

/** `Ci::Runner::AVAILABLE_SCOPES` */
export const AVAILABLE_SCOPES = [
  'specific',
  'shared',
  ...RUNNER_TYPES,
  ...STATUSES_INCL_DEPRECATED,
] as const;

/** `params :deprecated_filter_params` */
export const SCOPE_PARAM: ParamSpec = {
  name: 'scope',
  type: 'string',
  values: AVAILABLE_SCOPES,
};

/** `params :filter_params` (which includes pagination). */
export const FILTER_PARAMS: ParamSpec[] = [
  { name: 'type', type: 'string', values: RUNNER_TYPES },
  { name: 'paused', type: 'boolean' },
  { name: 'status', type: 'string', values: STATUSES_INCL_DEPRECATED },
  { name: 'tag_list', type: 'stringList' },
  { name: 'version_prefix', type: 'string', regexp: /^[\d+.]+/ },
  ...PAGINATION_PARAMS,
];

function inScope(
  core: EmulatorCore,
  runner: RunnerRecord,
  scope: string,
): boolean {
  switch (scope) {
    case 'specific':
      return runner.runnerType !== 'instance_type';
    case 'shared':
      return runner.runnerType === 'instance_type';
    case 'instance_type':
    case 'group_type':
    case 'project_type':
      return runner.runnerType === scope;
    default:
      return matchesStatusScope(runner, scope, core.clock.now());
  }
}

/**
 * `filter_runners`: a scope outside `allowed` is `400 Scope contains invalid
 * value` (a `message`, not a Grape `error`).
 */
export function filterByScope(
  core: EmulatorCore,
  runners: RunnerRecord[],
  scope: string | undefined,
  allowed: readonly string[] = AVAILABLE_SCOPES,
): RunnerRecord[] {
  if (!scope) {
    return runners;
  }
  if (!allowed.includes(scope)) {
    throw apiError('Scope contains invalid value', 400);
  }
  return runners.filter(r => inScope(core, r, scope));
}

/** `apply_filter`: type, status, paused, version prefix and tags. */
export function applyFilters(
  core: EmulatorCore,
  runners: RunnerRecord[],
  params: Params,
): RunnerRecord[] {
  let result = filterByScope(
    core,
    runners,
    params.string('type'),
    RUNNER_TYPES,
  );
  result = filterByScope(
    core,
    result,
    params.string('status'),
    STATUSES_INCL_DEPRECATED,
  );
  const paused = params.bool('paused');
  if (paused !== undefined) {
    result = result.filter(r => r.active === !paused);
  }
  const prefix = params.string('version_prefix');
  if (prefix !== undefined) {
    result = result.filter(r =>
      core.store
        .managersOf(r.id)
        .some(m => (m.version ?? '').startsWith(prefix)),
    );
  }
  const tags = params.list('tag_list');
  if (tags !== undefined) {
    result = result.filter(r => tags.every(t => r.tagList.includes(t)));
  }
  return result.sort((a, b) => a.id - b.id);
}
