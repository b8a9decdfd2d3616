import {
  CiJob,
  CiRunner,
  CiRunnerManager,
  poolIdFromDescription,
} from '@runner-fleet/plugin-runners-node';

/** A GitLab REST entity as JSON; fields are read defensively. */
export type GitLabJson = Record<string, unknown>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

function object(value: unknown): GitLabJson | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as GitLabJson)
    : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

/** The JSON objects of a GitLab list response; anything else is a contract break. */
export function jsonList(body: unknown, call: string): GitLabJson[] {
  if (!Array.isArray(body)) {
    throw new Error(`GitLab answered ${call} with something other than a list`);
  }
  return body.map(item => object(item) ?? {});
}

/** The id of a created or looked-up entity. */
export function idOf(body: unknown, call: string): number {
  const id = count(object(body)?.id);
  if (id === undefined) {
    throw new Error(`GitLab answered ${call} without an id`);
  }
  return id;
}

/** The new runner authentication token in a create or reset answer. */
export function tokenOf(body: unknown, call: string): string {
  const token = text(object(body)?.token);
  if (!token) {
    throw new Error(`GitLab answered ${call} without a runner token`);
  }
  return token;
}

/** Whether a runner's description marks it as created by Runner Fleet. */
export function isFleetRunner(runner: GitLabJson): boolean {
  const description = text(runner.description) ?? '';
  return (
    description.startsWith('runner-fleet ') &&
    poolIdFromDescription(description) !== undefined
  );
}

/**
 * A runner from `GET /runners/:id` or a runner list. List items carry no `tag_list`; their
 * `tags` are empty.
 */
export function toCiRunner(runner: GitLabJson): CiRunner {
  const description = text(runner.description) ?? '';
  return {
    id: count(runner.id) ?? 0,
    description,
    poolId: poolIdFromDescription(description),
    tags: strings(runner.tag_list),
    runUntagged:
      typeof runner.run_untagged === 'boolean'
        ? runner.run_untagged
        : undefined,
    paused: runner.paused === true || runner.active === false,
    status: text(runner.status) ?? 'unknown',
  };
}

/** A manager from `GET /runners/:id/managers`. */
export function toCiManager(manager: GitLabJson): CiRunnerManager {
  return {
    id: count(manager.id) ?? 0,
    systemId: text(manager.system_id) ?? '',
    status: text(manager.status) ?? 'unknown',
    contactedAt: text(manager.contacted_at),
    createdAt: text(manager.created_at),
    version: text(manager.version),
  };
}

/**
 * A job from `GET /runners/:id/jobs` or `GET /projects/:id/jobs`. GitLab renders the former as
 * `JobBasicWithProject`, without `tag_list`, `runner` and `runner_manager`; they are used when
 * present, else `runnerId` and `systemId` fall back to what the list was asked for.
 */
export function toCiJob(
  job: GitLabJson,
  runnerId?: number,
  systemId?: string,
): CiJob {
  return {
    id: count(job.id) ?? 0,
    status: text(job.status) ?? 'unknown',
    tags: strings(job.tag_list),
    createdAt: text(job.created_at) ?? '',
    startedAt: text(job.started_at),
    finishedAt: text(job.finished_at),
    queuedDurationSeconds: count(job.queued_duration),
    runnerId: count(object(job.runner)?.id) ?? runnerId,
    systemId: text(object(job.runner_manager)?.system_id) ?? systemId,
    failureReason: text(job.failure_reason),
  };
}
