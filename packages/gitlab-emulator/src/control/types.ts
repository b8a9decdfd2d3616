import { Fault } from '../http/faults';
import { ManagerStatus, RunnerRestStatus } from '../model/status';
import { JobStatus, RunnerAccessLevel, RunnerType } from '../model/types';

export type { Fault, FaultKind, FaultSpec } from '../http/faults';

/** A runner manager as the control surface shows it. @public */
export interface ManagerSnapshot {
  id: number;
  runnerId: number;
  systemId: string;
  version: string | null;
  revision: string | null;
  platform: string | null;
  architecture: string | null;
  executor: string | null;
  ipAddress: string | null;
  createdAt: string;
  contactedAt: string | null;
  status: ManagerStatus;
}

/**
 * A runner as the control surface shows it, including its authentication
 * token (for test assertions; the GitLab API never shows it again).
 *
 * @public
 */
export interface RunnerSnapshot {
  id: number;
  runnerType: RunnerType;
  description: string | null;
  active: boolean;
  locked: boolean;
  runUntagged: boolean;
  tagList: string[];
  accessLevel: RunnerAccessLevel;
  maximumTimeout: number | null;
  maintenanceNote: string | null;
  groupId: number | null;
  projectIds: number[];
  creatorId: number | null;
  token: string;
  tokenExpiresAt: string | null;
  createdAt: string;
  contactedAt: string | null;
  status: RunnerRestStatus;
  managers: ManagerSnapshot[];
}

/** A CI job as the control surface shows it. @public */
export interface JobSnapshot {
  id: number;
  projectId: number;
  projectPath: string;
  pipelineId: number;
  name: string;
  stage: string;
  ref: string;
  tagList: string[];
  status: JobStatus;
  failureReason: string | null;
  allowFailure: boolean;
  durationHint: number | null;
  runnerId: number | null;
  runnerManagerId: number | null;
  createdAt: string;
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Seconds running (so far, while running). */
  duration: number | null;
  /** Seconds pending before a runner took it (so far, while pending). */
  queuedDuration: number | null;
  traceBytes: number;
}

/** Counts for dashboards and quick assertions. @public */
export interface EmulatorCounts {
  runners: number;
  managers: number;
  jobs: number;
  jobsByStatus: Partial<Record<JobStatus, number>>;
}

/** Everything the emulator holds that tests look at. @public */
export interface EmulatorSnapshot {
  now: string;
  clockFrozen: boolean;
  counts: EmulatorCounts;
  runners: RunnerSnapshot[];
  jobs: JobSnapshot[];
  faults: Fault[];
}

/** Body of `POST /-/emulator/jobs`. @public */
export interface EnqueueJobsRequest {
  /** Project id or full path, e.g. `engineering/payments/payment-gateway`. */
  project: number | string;
  /** How many jobs (one pipeline); default 1. */
  count?: number;
  /** Job tags; a runner takes the job only if it has all of them. */
  tags?: string[];
  /** Default `build`. */
  name?: string;
  /** Default `test`. */
  stage?: string;
  /** Default the project's default branch (`main`, a protected ref). */
  ref?: string;
  /** Seconds the job's script sleeps: a hint for simulated runners. */
  durationSeconds?: number;
  allowFailure?: boolean;
  /** Who triggered the pipeline; default `root`. */
  username?: string;
}

/** Answer of `POST /-/emulator/jobs`. @public */
export interface EnqueueJobsResponse {
  pipelineId: number;
  jobs: JobSnapshot[];
}

/** Filters of `GET /-/emulator/jobs`. @public */
export interface JobFilter {
  status?: JobStatus;
  project?: number | string;
  runnerId?: number;
}

/** Body of `POST /-/emulator/clock`. @public */
export interface ClockChange {
  advanceMs?: number;
  advanceSeconds?: number;
  /** ISO 8601 time to jump to. */
  set?: string;
  /** With `set`: stop time there. */
  freeze?: boolean;
}

/** Answer of the clock routes. @public */
export interface ClockState {
  now: string;
  frozen: boolean;
}
