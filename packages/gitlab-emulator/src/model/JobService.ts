import { EmulatorClock } from './EmulatorClock';
import { FAILURE_REASONS, runnerCanRun } from './jobMatching';
import { fakeSha, randomToken } from './secrets';
import { Store } from './Store';
import {
  JobRecord,
  JobStatus,
  PipelineRecord,
  ProjectRecord,
  RunnerManagerRecord,
  RunnerRecord,
} from './types';

/** The CI job token prefix GitLab uses (`glcbt-`). */
export const JOB_TOKEN_PREFIX = 'glcbt-';

const FINISHED: readonly JobStatus[] = [
  'success',
  'failed',
  'canceled',
  'skipped',
];
const EXECUTING: readonly JobStatus[] = ['running', 'canceling'];

const HOUR_MS = 3_600_000;
/** `Ci::StuckBuilds::DropRunningService::BUILD_RUNNING_OUTDATED_TIMEOUT`. */
export const BUILD_RUNNING_OUTDATED_TIMEOUT_MS = HOUR_MS;

/** What to enqueue; see the control surface's `POST /-/emulator/jobs`. */
export interface EnqueueOptions {
  project: ProjectRecord;
  userId: number;
  count: number;
  tags: string[];
  name: string;
  stage: string;
  ref: string;
  durationSeconds: number | null;
  allowFailure: boolean;
}

/** Pending jobs, runner matching and job state changes. */
export class JobService {
  readonly #store: Store;
  readonly #clock: EmulatorClock;
  readonly #maxFinishedJobs: number;
  /** The hour of the last stuck-jobs run (`StuckCiJobsWorker`'s cron, `0 * * * *`). */
  #lastStuckRun = Number.NEGATIVE_INFINITY;

  constructor(store: Store, clock: EmulatorClock, maxFinishedJobs: number) {
    this.#store = store;
    this.#clock = clock;
    this.#maxFinishedJobs = maxFinishedJobs;
  }

  /** Creates one pipeline holding `count` pending jobs. */
  enqueue(options: EnqueueOptions): JobRecord[] {
    const now = this.#clock.iso();
    const projectId = options.project.id;
    const iid =
      [...this.#store.pipelines.values()].filter(p => p.projectId === projectId)
        .length + 1;
    const pipeline: PipelineRecord = {
      id: this.#store.nextId('pipelines'),
      iid,
      projectId,
      ref: options.ref,
      sha: '',
      source: 'push',
      userId: options.userId,
      createdAt: now,
    };
    pipeline.sha = fakeSha(`${projectId}:${pipeline.id}`);
    this.#store.pipelines.set(pipeline.id, pipeline);
    const jobs: JobRecord[] = [];
    for (let i = 0; i < options.count; i++) {
      const job: JobRecord = {
        id: this.#store.nextId('jobs'),
        projectId,
        pipelineId: pipeline.id,
        userId: options.userId,
        name:
          options.count > 1
            ? `${options.name} ${i + 1}/${options.count}`
            : options.name,
        stage: options.stage,
        ref: options.ref,
        sha: pipeline.sha,
        tag: false,
        protectedRef: options.ref === options.project.defaultBranch,
        tagList: [...new Set(options.tags)].sort(),
        status: 'pending',
        failureReason: null,
        allowFailure: options.allowFailure,
        durationHint: options.durationSeconds,
        createdAt: now,
        queuedAt: now,
        startedAt: null,
        finishedAt: null,
        updatedAt: now,
        runnerId: null,
        runnerManagerId: null,
        token: null,
        trace: '',
        exitCode: null,
      };
      this.#store.jobs.set(job.id, job);
      jobs.push(job);
    }
    this.#prune();
    return jobs;
  }

  /** Assigns the oldest pending job this runner can take and starts it. */
  pick(
    runner: RunnerRecord,
    manager: RunnerManagerRecord,
  ): JobRecord | undefined {
    const candidates = [...this.#store.jobs.values()]
      .filter(j => j.status === 'pending')
      .sort((a, b) => a.id - b.id);
    const job = candidates.find(j => runnerCanRun(this.#store, runner, j));
    if (!job) {
      return undefined;
    }
    const now = this.#clock.iso();
    job.status = 'running';
    job.startedAt = now;
    job.updatedAt = now;
    job.runnerId = runner.id;
    job.runnerManagerId = manager.id;
    job.token = randomToken(JOB_TOKEN_PREFIX, 32);
    return job;
  }

  /** `UpdateBuildStateService#update_build_state!`; returns the HTTP status. */
  updateState(
    job: JobRecord,
    state: string,
    failureReason: string | undefined,
    exitCode: number | undefined,
  ): 200 | 400 {
    switch (state) {
      case 'running':
        job.updatedAt = this.#clock.iso();
        return 200;
      case 'success':
        this.#finish(job, 'success', null);
        return 200;
      case 'failed': {
        const known = (FAILURE_REASONS as readonly string[]).includes(
          failureReason ?? '',
        );
        this.#finish(job, 'failed', known ? failureReason! : 'unknown_failure');
        job.exitCode = exitCode ?? null;
        return 200;
      }
      default:
        return 400;
    }
  }

  /**
   * `Ci::StuckBuilds::DropRunningService`, which GitLab runs every hour on the hour: a running job
   * not updated for an hour (its runner stopped sending `PUT /jobs/:id` heartbeats — the VM went
   * away and cut it) fails with `stuck_or_timeout_failure`. The emulator plays the run of the
   * latest full hour before it answers a request. Returns the jobs it dropped.
   */
  dropStuckRunning(): JobRecord[] {
    const hour = Math.floor(this.#clock.now().getTime() / HOUR_MS) * HOUR_MS;
    if (hour === this.#lastStuckRun) return [];
    this.#lastStuckRun = hour;
    const cutoff = hour - BUILD_RUNNING_OUTDATED_TIMEOUT_MS;
    const stuck = [...this.#store.jobs.values()].filter(
      j => j.status === 'running' && Date.parse(j.updatedAt) < cutoff,
    );
    for (const job of stuck)
      this.#finish(job, 'failed', 'stuck_or_timeout_failure');
    return stuck;
  }

  /** Cancels a job the way the UI's cancel button does. */
  cancel(job: JobRecord): void {
    if (!FINISHED.includes(job.status)) {
      this.#finish(job, 'canceled', null);
    }
  }

  isExecuting(job: JobRecord): boolean {
    return EXECUTING.includes(job.status);
  }

  isFinished(job: JobRecord): boolean {
    return FINISHED.includes(job.status);
  }

  /** Seconds between start and finish (or now, while running). */
  duration(job: JobRecord): number | null {
    if (!job.startedAt) return null;
    const end = job.finishedAt
      ? Date.parse(job.finishedAt)
      : this.#clock.now().getTime();
    return (end - Date.parse(job.startedAt)) / 1000;
  }

  /** Seconds between queueing and start (or now, while pending). */
  queuedDuration(job: JobRecord): number | null {
    if (!job.queuedAt) return null;
    const end = job.startedAt
      ? Date.parse(job.startedAt)
      : this.#clock.now().getTime();
    return (end - Date.parse(job.queuedAt)) / 1000;
  }

  /** `Ci::Pipeline` status, composed from its jobs. */
  pipelineStatus(pipelineId: number): JobStatus {
    const statuses = [...this.#store.jobs.values()]
      .filter(j => j.pipelineId === pipelineId)
      .map(j =>
        j.status === 'failed' && j.allowFailure ? 'success' : j.status,
      );
    for (const s of [
      'running',
      'canceling',
      'pending',
      'failed',
      'canceled',
    ] as const) {
      if (statuses.includes(s)) return s;
    }
    return statuses.length > 0 ? 'success' : 'created';
  }

  #finish(
    job: JobRecord,
    status: JobStatus,
    failureReason: string | null,
  ): void {
    const now = this.#clock.iso();
    job.status = status;
    job.failureReason = failureReason;
    job.finishedAt = now;
    job.updatedAt = now;
    this.#prune();
  }

  /** Keeps memory and the state file bounded on long local runs. */
  #prune(): void {
    const finished = [...this.#store.jobs.values()].filter(j =>
      this.isFinished(j),
    );
    const excess = finished.length - this.#maxFinishedJobs;
    if (excess <= 0) return;
    finished.sort((a, b) => a.id - b.id);
    for (const job of finished.slice(0, excess)) {
      this.#store.jobs.delete(job.id);
    }
  }
}
