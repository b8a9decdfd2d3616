/**
 * A GitLab emulator for tests and local runs: GitLab's runner and jobs REST
 * API (`/api/v4`) as GitLab documents it, the runner-side endpoints a
 * gitlab-runner calls, and an admin-only control surface (`/-/emulator`)
 * for job traffic, inspection, the clock and fault injection.
 *
 * @packageDocumentation
 */

export { startGitLabEmulator } from './startGitLabEmulator';
export type {
  GitLabEmulator,
  GitLabEmulatorOptions,
} from './startGitLabEmulator';
export type { AuthenticatedApiRateLimit, ThrottleStats } from './http/throttle';
export { EmulatorClock } from './model/EmulatorClock';
export { defaultSeed, seedTokens } from './model/seed';
export type {
  EmulatorSeed,
  SeedGroup,
  SeedMember,
  SeedProject,
  SeedToken,
  SeedTokens,
  SeedUser,
} from './model/seed';
export { ONLINE_CONTACT_TIMEOUT_MS, STALE_TIMEOUT_MS } from './model/status';
export type { ManagerStatus, RunnerRestStatus } from './model/status';
export type {
  AccessLevelName,
  JobStatus,
  RunnerAccessLevel,
  RunnerType,
  Visibility,
} from './model/types';
export {
  EmulatorControlClient,
  EmulatorControlError,
} from './control/EmulatorControlClient';
export type { EmulatorControlClientOptions } from './control/EmulatorControlClient';
export type {
  ClockChange,
  ClockState,
  EmulatorCounts,
  EmulatorSnapshot,
  EnqueueJobsRequest,
  EnqueueJobsResponse,
  Fault,
  FaultKind,
  FaultSpec,
  JobFilter,
  JobSnapshot,
  ManagerSnapshot,
  RunnerSnapshot,
} from './control/types';
