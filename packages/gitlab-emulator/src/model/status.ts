import { RunnerManagerRecord, RunnerRecord } from './types';

/**
 * `Ci::Runner::ONLINE_CONTACT_TIMEOUT`: a runner (or manager) that called in
 * within this window is online.
 */
export const ONLINE_CONTACT_TIMEOUT_MS = 2 * 60 * 60 * 1000;

/**
 * `Ci::Runner::STALE_TIMEOUT` (and `Ci::RunnerManager::STALE_TIMEOUT`): with
 * neither creation nor contact within this window, a runner is stale.
 */
export const STALE_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;

/** The status values GitLab's REST API reports for runners. */
export type RunnerRestStatus =
  | 'online'
  | 'offline'
  | 'stale'
  | 'never_contacted'
  | 'paused';

/** The status values GitLab reports for runner managers. */
export type ManagerStatus = 'online' | 'offline' | 'stale' | 'never_contacted';

function time(iso: string | null): number | null {
  return iso === null ? null : Date.parse(iso);
}

/** `online?`: null when never contacted, as GitLab's `contacted_at && ...`. */
export function isOnline(
  contactedAt: string | null,
  now: Date,
): boolean | null {
  const contacted = time(contactedAt);
  if (contacted === null) {
    return null;
  }
  return contacted > now.getTime() - ONLINE_CONTACT_TIMEOUT_MS;
}

/** `stale?`: the later of creation and last contact is past the deadline. */
export function isStale(
  createdAt: string,
  contactedAt: string | null,
  now: Date,
): boolean {
  const latest = Math.max(Date.parse(createdAt), time(contactedAt) ?? 0);
  return latest <= now.getTime() - STALE_TIMEOUT_MS;
}

/** `Ci::Runner#deprecated_rest_status`, exposed as `status` in REST. */
export function runnerRestStatus(
  runner: RunnerRecord,
  now: Date,
): RunnerRestStatus {
  if (isStale(runner.createdAt, runner.contactedAt, now)) {
    return 'stale';
  }
  if (runner.contactedAt === null) {
    return 'never_contacted';
  }
  if (!runner.active) {
    return 'paused';
  }
  return isOnline(runner.contactedAt, now) ? 'online' : 'offline';
}

/** `Ci::HasRunnerStatus#status` for a runner manager. */
export function managerStatus(
  manager: RunnerManagerRecord,
  now: Date,
): ManagerStatus {
  if (isStale(manager.createdAt, manager.contactedAt, now)) {
    return 'stale';
  }
  if (manager.contactedAt === null) {
    return 'never_contacted';
  }
  return isOnline(manager.contactedAt, now) ? 'online' : 'offline';
}

/**
 * The `status` (and deprecated `scope`) filter of the runner list endpoints.
 * These are GitLab's SQL scopes, which differ from the reported status: the
 * `offline` scope, for instance, also matches stale runners.
 */
export function matchesStatusScope(
  runner: RunnerRecord,
  scope: string,
  now: Date,
): boolean {
  const contacted = time(runner.contactedAt);
  const deadline = now.getTime() - ONLINE_CONTACT_TIMEOUT_MS;
  switch (scope) {
    case 'online':
      return contacted !== null && contacted > deadline;
    case 'offline':
      return contacted !== null && contacted <= deadline;
    case 'never_contacted':
      return contacted === null;
    case 'stale':
      return isStale(runner.createdAt, runner.contactedAt, now);
    case 'active':
      return runner.active;
    case 'paused':
      return !runner.active;
    default:
      return true;
  }
}
