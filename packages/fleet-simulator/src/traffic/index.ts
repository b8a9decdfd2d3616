import { EmulatorControlClient } from '@runner-fleet/gitlab-emulator';
import { SimContext } from '../context';
import { TrafficOptions } from '../options';
import { jobsPerSecond, resolveTraffic, TrafficProfile } from './profile';

/** Job names a pipeline's jobs get, for readable job lists. */
const JOB_NAMES = [
  ['build', 'build'],
  ['unit-tests', 'test'],
  ['integration-tests', 'test'],
  ['lint', 'test'],
  ['package', 'deploy'],
] as const;

/** What the traffic generator has done so far. @public */
export interface TrafficState {
  enqueued: number;
  /** Rounds skipped because too many jobs were already pending. */
  skippedRounds: number;
  /** The current arrival rate, jobs per simulated hour. */
  jobsPerHour: number;
}

/**
 * CI job traffic: every `tickSeconds` of simulated time, a Poisson-distributed number of jobs
 * per stream (project and tags) from the daily profile, each with a log-normal duration hint,
 * enqueued through the emulator's control surface. Pauses while `maxPendingJobs` wait.
 */
export class Traffic {
  readonly #ctx: SimContext;
  readonly #profile: TrafficProfile;
  readonly #control: EmulatorControlClient;
  readonly #abort = new AbortController();
  readonly #state: TrafficState = {
    enqueued: 0,
    skippedRounds: 0,
    jobsPerHour: 0,
  };
  #loop?: Promise<void>;

  constructor(ctx: SimContext, options: TrafficOptions) {
    this.#ctx = ctx;
    this.#profile = resolveTraffic(options);
    this.#control = new EmulatorControlClient({
      url: ctx.settings.gitlab.url,
      token: ctx.settings.gitlab.adminToken,
    });
  }

  get state(): TrafficState {
    return { ...this.#state };
  }

  start(): void {
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const random = this.#ctx.random.fork('traffic');
    const { tickSeconds, jobDuration } = this.#profile;
    while (!this.#abort.signal.aborted) {
      try {
        const rate = jobsPerSecond(this.#profile, this.#ctx.clock.now());
        this.#state.jobsPerHour = Math.round(rate * 3600);
        const pending = await this.#control.jobs({ status: 'pending' });
        if (pending.length >= this.#profile.maxPendingJobs) {
          this.#state.skippedRounds++;
        } else {
          let count = 0;
          for (const stream of this.#profile.streams) {
            const jobs = random.poisson(rate * tickSeconds * stream.share);
            for (let i = 0; i < jobs && !this.#abort.signal.aborted; i++) {
              const [name, stage] = JOB_NAMES[random.int(JOB_NAMES.length)];
              await this.#control.enqueueJobs({
                project: stream.project,
                tags: stream.tags,
                name,
                stage,
                durationSeconds: Math.max(
                  5,
                  Math.round(
                    random.logNormal(
                      jobDuration.medianSeconds,
                      jobDuration.sigma,
                    ),
                  ),
                ),
              });
              count++;
            }
          }
          this.#state.enqueued += count;
          if (count > 0) {
            this.#ctx.events.record(
              'traffic',
              'jobs-enqueued',
              `enqueued ${count} job(s) (${this.#state.jobsPerHour}/h now, ${
                pending.length
              } were pending)`,
              { data: { count } },
            );
          }
        }
      } catch (error) {
        this.#ctx.events.log(
          'traffic',
          `could not enqueue jobs: ${(error as Error).message}`,
        );
      }
      await this.#ctx.clock.loopDelay(tickSeconds * 1000, this.#abort.signal);
    }
  }
}
