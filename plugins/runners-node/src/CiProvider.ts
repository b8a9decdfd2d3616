import { GitLabScope } from '@runner-fleet/plugin-runners-common';

/** The CI-side registration a pool needs. */
export interface CiRunnerSpec {
  poolId: string;
  team: string;
  poolName: string;
  scope: GitLabScope;
  tags: string[];
  runUntagged: boolean;
}

/** A runner as the CI system reports it; never carries its token. */
export interface CiRunner {
  id: number;
  description: string;
  /** The pool id this runner was created for, parsed from its description. */
  poolId?: string;
  tags: string[];
  /** Whether it takes untagged jobs; undefined where the listing does not say. */
  runUntagged?: boolean;
  paused: boolean;
  status: string;
}

/** One runner manager: a VM that registered with the pool's runner. */
export interface CiRunnerManager {
  id: number;
  systemId: string;
  status: 'online' | 'offline' | 'stale' | 'never_contacted' | string;
  contactedAt?: string;
  createdAt?: string;
  version?: string;
}

/** A job as the CI system reports it. */
export interface CiJob {
  id: number;
  status: string;
  tags: string[];
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  queuedDurationSeconds?: number;
  runnerId?: number;
  systemId?: string;
  /**
   * Why a failed job failed, as GitLab names it (`failure_reason`), e.g. `script_failure`, or
   * `runner_system_failure` / `stuck_or_timeout_failure` when its runner went away under it.
   */
  failureReason?: string;
}

/**
 * The CI system runner pools register with. The default implementation talks to GitLab; the
 * `runnersCiProviderExtensionPoint` replaces it.
 *
 * @public
 */
export interface CiProvider {
  /** The URL runner VMs register and take jobs from (gitlab-runner's `url`). */
  readonly runnerUrl: string;
  /** Registers the pool's runner; the token is returned only here and by `resetToken`. */
  createRunner(spec: CiRunnerSpec): Promise<{ id: number; token: string }>;
  /** Changes tags, run-untagged and description to match the spec. */
  updateRunner(id: number, spec: CiRunnerSpec): Promise<void>;
  /**
   * Stops the runner from taking new jobs; jobs it runs go on. Used to drain a pool before it
   * is deleted.
   */
  pauseRunner(id: number): Promise<void>;
  /** Issues a new token for a runner whose token was lost. */
  resetToken(id: number): Promise<string>;
  /** Deletes a runner; a runner that is already gone is not an error. */
  deleteRunner(id: number): Promise<void>;
  /** Runners that Runner Fleet created (recognised by their description). */
  listFleetRunners(): Promise<CiRunner[]>;
  /** Undefined when the runner does not exist. */
  getRunner(id: number): Promise<CiRunner | undefined>;
  listManagers(runnerId: number): Promise<CiRunnerManager[]>;
  /**
   * Removes a runner manager whose VM is gone. GitLab deletes managers only with the runner's
   * own token; without `runnerToken` a provider may only be able to leave the manager to go stale.
   */
  deleteManager(
    runnerId: number,
    systemId: string,
    options?: { runnerToken?: string },
  ): Promise<void>;
  /**
   * Pending jobs in a GitLab scope (a project, or a group's projects). Instance scope may return
   * nothing where the CI system has no instance-wide pending-jobs API.
   */
  listPendingJobs(scope: GitLabScope): Promise<CiJob[]>;
  /** Recent jobs of a runner, newest first. */
  listJobs(
    runnerId: number,
    /** `systemId`: only jobs of that runner manager (VM), which then carry it. */
    options?: { status?: string; limit?: number; systemId?: string },
  ): Promise<CiJob[]>;
}

/** The runner description Runner Fleet writes; carries the pool id so crashes can be repaired. */
export function fleetRunnerDescription(
  spec: Pick<CiRunnerSpec, 'team' | 'poolName' | 'poolId'>,
): string {
  return `runner-fleet ${spec.team}/${spec.poolName} [pool:${spec.poolId}]`;
}

/** The pool id in a Runner Fleet runner description, if any. */
export function poolIdFromDescription(description: string): string | undefined {
  return /\[pool:([0-9a-f-]{36})\]/.exec(description)?.[1];
}
