/**
 * Records the emulator keeps. They mirror GitLab's own tables closely enough
 * that the REST entities can be rendered from them without guessing, and they
 * are plain JSON so the whole state can be written to a state file.
 */

/** The scope of a runner, as GitLab names it. */
export type RunnerType = 'instance_type' | 'group_type' | 'project_type';

/** All runner types, in GitLab's enum order. */
export const RUNNER_TYPES: readonly RunnerType[] = [
  'instance_type',
  'group_type',
  'project_type',
];

/** Which refs a runner may run jobs for. */
export type RunnerAccessLevel = 'not_protected' | 'ref_protected';

/** Every CI job status GitLab knows (`CommitStatus::AVAILABLE_STATUSES`). */
export const JOB_STATUSES = [
  'canceled',
  'canceling',
  'created',
  'failed',
  'manual',
  'pending',
  'preparing',
  'running',
  'scheduled',
  'skipped',
  'success',
  'waiting_for_callback',
  'waiting_for_resource',
] as const;

/** A CI job status. */
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Project and group visibility. */
export type Visibility = 'private' | 'internal' | 'public';

/** GitLab's numeric membership access levels. */
export const ACCESS_LEVELS = {
  guest: 10,
  reporter: 20,
  developer: 30,
  maintainer: 40,
  owner: 50,
} as const;

/** A membership role by name. */
export type AccessLevelName = keyof typeof ACCESS_LEVELS;

/** A user (`users`). */
export interface UserRecord {
  id: number;
  username: string;
  name: string;
  email: string;
  admin: boolean;
  bot: boolean;
  state: 'active' | 'blocked';
  createdAt: string;
}

/** A group; `fullPath` is e.g. `engineering/payments` (`namespaces`). */
export interface GroupRecord {
  id: number;
  name: string;
  path: string;
  fullPath: string;
  parentId: number | null;
  description: string;
  visibility: Visibility;
  createdAt: string;
}

/** A project in a group (`projects`). */
export interface ProjectRecord {
  id: number;
  name: string;
  path: string;
  groupId: number;
  description: string;
  defaultBranch: string;
  visibility: Visibility;
  sharedRunnersEnabled: boolean;
  groupRunnersEnabled: boolean;
  createdAt: string;
}

/** A direct membership of a group or project (`members`). */
export interface MembershipRecord {
  source: 'group' | 'project';
  sourceId: number;
  userId: number;
  accessLevel: number;
}

/** A personal access token (`personal_access_tokens`). */
export interface AccessTokenRecord {
  id: number;
  userId: number;
  name: string;
  token: string;
  scopes: string[];
  /** ISO date (`YYYY-MM-DD`) after which the token is expired, or null. */
  expiresAt: string | null;
  revoked: boolean;
  createdAt: string;
}

/**
 * A runner (`ci_runners`): `groupId` for group runners, `projectIds` for
 * project runners (the first is the owner project).
 */
export interface RunnerRecord {
  id: number;
  runnerType: RunnerType;
  description: string | null;
  name: string | null;
  active: boolean;
  locked: boolean;
  runUntagged: boolean;
  tagList: string[];
  accessLevel: RunnerAccessLevel;
  maximumTimeout: number | null;
  maintenanceNote: string | null;
  groupId: number | null;
  projectIds: number[];
  token: string;
  tokenExpiresAt: string | null;
  creatorId: number | null;
  createdAt: string;
  updatedAt: string;
  contactedAt: string | null;
}

/** A runner manager, one per `system_id` (`ci_runner_machines`). */
export interface RunnerManagerRecord {
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
  updatedAt: string;
  contactedAt: string | null;
}

/** A pipeline created by the control surface (`ci_pipelines`). */
export interface PipelineRecord {
  id: number;
  iid: number;
  projectId: number;
  ref: string;
  sha: string;
  source: string;
  userId: number;
  createdAt: string;
}

/** A CI job (`ci_builds`). */
export interface JobRecord {
  id: number;
  projectId: number;
  pipelineId: number;
  userId: number;
  name: string;
  stage: string;
  ref: string;
  sha: string;
  tag: boolean;
  protectedRef: boolean;
  tagList: string[];
  status: JobStatus;
  failureReason: string | null;
  allowFailure: boolean;
  /** Seconds the simulated script sleeps; a hint for simulated runners. */
  durationHint: number | null;
  createdAt: string;
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  runnerId: number | null;
  runnerManagerId: number | null;
  /** The CI job token, set while a runner holds the job. */
  token: string | null;
  trace: string;
  exitCode: number | null;
}

/** Names of the id sequences. */
export type SequenceName =
  | 'users'
  | 'groups'
  | 'projects'
  | 'tokens'
  | 'runners'
  | 'runnerManagers'
  | 'pipelines'
  | 'jobs';

/** The whole emulated GitLab, as written to a state file. */
export interface EmulatorData {
  users: UserRecord[];
  groups: GroupRecord[];
  projects: ProjectRecord[];
  memberships: MembershipRecord[];
  tokens: AccessTokenRecord[];
  runners: RunnerRecord[];
  runnerManagers: RunnerManagerRecord[];
  pipelines: PipelineRecord[];
  jobs: JobRecord[];
  sequences: Record<SequenceName, number>;
}
