import { SimContext } from '../context';
import { jobDemand, VmUsage } from '../metrics/virtHandler';
import { JobPayload, RunnerApi, RunnerInfo } from './gitlabApi';
import { RunnerConfig, RunnerEntry } from './runnerConfig';

/** How a simulated gitlab-runner is doing. @public */
export type RunnerStatus =
  | 'starting'
  | 'registered'
  | 'registration-failed'
  | 'draining'
  | 'stopped';

/** One VM's gitlab-runner as tests and the CLI see it. @public */
export interface RunnerState {
  /** `namespace/name` of the VMI. */
  vmi: string;
  /**
   * The manager's `system_id`, as gitlab-runner obtains it: `.runner_system_id` beside
   * config.toml when valid, else a random `r_` id (see `systemId.ts`).
   */
  systemId: string;
  /** Whether `systemId` came from `.runner_system_id`. */
  systemIdFromFile?: boolean;
  status: RunnerStatus;
  /** GitLab runner ids this VM registered as a manager of. */
  runnerIds: number[];
  concurrent: number;
  runningJobs: number;
  jobsStarted: number;
  jobsSucceeded: number;
  jobsFailed: number;
  /** Jobs GitLab canceled while they ran (`PUT /jobs/:id` answered 403). */
  jobsCanceled: number;
  /** Jobs still running when the VM went away: cut, never reported as finished. */
  jobsCut: number;
  lastError?: string;
}

/** What the process reports to the actor that owns it. */
export interface RunnerHooks {
  registered(entry: RunnerEntry, runnerId: number): void;
  failed(entry: RunnerEntry, error: string): void;
}

/** The version a simulated runner reports (`info.version`). */
export const RUNNER_VERSION = '18.3.0';

/** The duration hint the emulator puts into a job's script (`sleep N`), in seconds. */
export function durationHint(job: JobPayload): number | undefined {
  for (const step of job.steps ?? []) {
    for (const line of step.script ?? []) {
      const match = /^sleep (\d+(?:\.\d+)?)$/.exec(line.trim());
      if (match) return Number(match[1]);
    }
  }
  return undefined;
}

/**
 * gitlab-runner inside one VM: for each `[[runners]]` entry of its config.toml, `POST
 * /runners/verify` with its `system_id` (retried with backoff on failure, as a
 * runner keeps retrying), then `POST /jobs/request` every `check_interval` while fewer than
 * `concurrent` (and the entry's `limit`) jobs run. A job runs for its duration hint (or a
 * drawn duration), heartbeats with `PUT /jobs/:id` every 30 s, and ends `success` or `failed`.
 * `drain()` is SIGQUIT: no new jobs, running ones finish; `kill()` is the VM vanishing.
 */
export class GitLabRunnerProcess {
  readonly #ctx: SimContext;
  readonly #config: RunnerConfig;
  readonly #hooks: RunnerHooks;
  readonly #info: RunnerInfo;
  readonly #killed = new AbortController();
  readonly #draining = new AbortController();
  readonly #perEntry = new Map<RunnerEntry, number>();
  readonly #idle: Array<() => void> = [];
  readonly #state: RunnerState;
  readonly #usage?: VmUsage;

  constructor(
    ctx: SimContext,
    options: {
      vmi: string;
      systemId: string;
      os: 'linux' | 'windows';
      config: RunnerConfig;
      hooks: RunnerHooks;
      /** The VM's CPU and memory use, which the jobs drive (virt-handler metrics). */
      usage?: VmUsage;
    },
  ) {
    this.#usage = options.usage;
    this.#ctx = ctx;
    this.#config = options.config;
    this.#hooks = options.hooks;
    this.#info = {
      name: 'gitlab-runner',
      version: RUNNER_VERSION,
      revision: 'simulated',
      platform: options.os,
      architecture: 'amd64',
      executor: options.config.runners[0].executor,
    };
    this.#state = {
      vmi: options.vmi,
      systemId: options.systemId,
      status: 'starting',
      runnerIds: [],
      concurrent: options.config.concurrent,
      runningJobs: 0,
      jobsStarted: 0,
      jobsSucceeded: 0,
      jobsFailed: 0,
      jobsCanceled: 0,
      jobsCut: 0,
    };
  }

  get state(): RunnerState {
    return { ...this.#state, runnerIds: [...this.#state.runnerIds] };
  }

  start(): void {
    for (const entry of this.#config.runners) void this.#work(entry);
  }

  /** SIGQUIT: take no new jobs; resolves when the running ones have finished. */
  drain(): Promise<void> {
    if (this.#state.status !== 'stopped') this.#state.status = 'draining';
    this.#draining.abort();
    if (this.#state.runningJobs === 0) return Promise.resolve();
    return new Promise(resolve => this.#idle.push(resolve));
  }

  /** The VM is gone: nothing more reaches GitLab; running jobs stay "running" there. */
  kill(): void {
    if (this.#state.status !== 'stopped')
      this.#state.jobsCut += this.#state.runningJobs;
    this.#state.status = 'stopped';
    this.#killed.abort();
    this.#draining.abort();
    this.#idle.splice(0).forEach(resolve => resolve());
  }

  get #stopping(): boolean {
    return this.#draining.signal.aborted;
  }

  #capacity(entry: RunnerEntry): boolean {
    const mine = this.#perEntry.get(entry) ?? 0;
    return (
      this.#state.runningJobs < this.#config.concurrent &&
      (entry.limit <= 0 || mine < entry.limit)
    );
  }

  async #work(entry: RunnerEntry): Promise<void> {
    const api = new RunnerApi(entry.url);
    let backoffMs = 10_000;
    while (!this.#stopping) {
      const answer = await api.verify(entry.token, this.#state.systemId);
      if (answer.status === 200 && answer.body) {
        this.#state.runnerIds.push(answer.body.id);
        if (
          this.#state.status === 'starting' ||
          this.#state.status === 'registration-failed'
        )
          this.#state.status = 'registered';
        this.#hooks.registered(entry, answer.body.id);
        break;
      }
      const error = answer.error ?? `${answer.status}`;
      if (this.#state.lastError !== error) this.#hooks.failed(entry, error);
      this.#state.status = 'registration-failed';
      this.#state.lastError = error;
      await this.#ctx.clock.loopDelay(backoffMs, this.#draining.signal);
      backoffMs = Math.min(backoffMs * 2, 300_000);
    }
    let lastUpdate: string | undefined;
    while (!this.#stopping) {
      while (!this.#stopping && this.#capacity(entry)) {
        const answer = await api.requestJob(
          entry.token,
          this.#state.systemId,
          this.#info,
          lastUpdate,
        );
        if (answer.status === 201 && answer.body) {
          void this.#runJob(entry, api, answer.body);
          continue;
        }
        if (answer.status !== 204) {
          this.#state.lastError = answer.error;
          if (answer.status === 403)
            this.#hooks.failed(entry, `job request refused: ${answer.error}`);
        }
        lastUpdate = answer.headers?.get('x-gitlab-last-update') ?? lastUpdate;
        break;
      }
      await this.#ctx.clock.loopDelay(
        this.#config.checkIntervalSeconds * 1000,
        this.#draining.signal,
      );
    }
  }

  async #runJob(
    entry: RunnerEntry,
    api: RunnerApi,
    job: JobPayload,
  ): Promise<void> {
    this.#state.runningJobs++;
    this.#state.jobsStarted++;
    const demand =
      this.#usage &&
      jobDemand(job.job_info?.project_full_path ?? '', {
        cpu: this.#usage.cpu,
        memoryGiB: this.#usage.memoryGiB,
        concurrent: this.#config.concurrent,
      });
    if (demand) this.#usage?.change(demand, 1);
    this.#perEntry.set(entry, (this.#perEntry.get(entry) ?? 0) + 1);
    const random = this.#ctx.random.fork(`job/${entry.url}/${job.id}`);
    const { medianSeconds, sigma } = this.#ctx.settings.jobDuration;
    const seconds = durationHint(job) ?? random.logNormal(medianSeconds, sigma);
    const fails = random.chance(this.#ctx.settings.jobFailureRate);
    const killed = this.#killed.signal;
    try {
      const header = `Running with gitlab-runner ${RUNNER_VERSION} (simulated by Runner Fleet) on ${
        this.#state.systemId
      }\n`;
      await api.appendTrace(job, 0, header);
      let remainingMs = seconds * 1000;
      while (remainingMs > 0 && !killed.aborted) {
        const stepMs = Math.min(remainingMs, 30_000);
        await this.#ctx.clock.loopDelay(stepMs, killed);
        remainingMs -= stepMs;
        if (remainingMs > 0 && !killed.aborted) {
          const beat = await api.updateJob(job, 'running');
          if (beat.status === 403) {
            this.#state.jobsCanceled++;
            return;
          }
        }
      }
      if (killed.aborted) return;
      await api.appendTrace(
        job,
        Buffer.byteLength(header),
        fails ? 'ERROR: Job failed: exit code 1\n' : 'Job succeeded\n',
      );
      const done = await api.updateJob(
        job,
        fails ? 'failed' : 'success',
        fails ? { reason: 'script_failure', exitCode: 1 } : undefined,
      );
      if (done.status === 403) this.#state.jobsCanceled++;
      else if (fails) this.#state.jobsFailed++;
      else this.#state.jobsSucceeded++;
    } finally {
      if (demand) this.#usage?.change(demand, -1);
      this.#state.runningJobs--;
      this.#perEntry.set(entry, (this.#perEntry.get(entry) ?? 1) - 1);
      if (this.#state.runningJobs === 0 && this.#stopping)
        this.#idle.splice(0).forEach(resolve => resolve());
    }
  }
}
