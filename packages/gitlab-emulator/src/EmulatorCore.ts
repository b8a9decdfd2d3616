import { FaultRegistry } from './http/faults';
import { AuthenticatedApiThrottle } from './http/throttle';
import { Access } from './model/access';
import { EmulatorClock } from './model/EmulatorClock';
import { buildInitialData } from './model/initialData';
import { JobService } from './model/JobService';
import { RunnerService } from './model/RunnerService';
import { EmulatorSeed } from './model/seed';
import { Store } from './model/Store';
import { EmulatorData } from './model/types';

/** Options of {@link EmulatorCore}. */
export interface EmulatorCoreOptions {
  seed: EmulatorSeed;
  clock: EmulatorClock;
  maxFinishedJobs: number;
  /** State loaded from a state file; the seed is used when absent. */
  initialData?: EmulatorData;
}

/**
 * The emulated GitLab without its HTTP server: the tables and the services
 * that change them. Routes get it through the request context.
 */
export class EmulatorCore {
  readonly clock: EmulatorClock;
  readonly faults = new FaultRegistry();
  /** GitLab's authenticated API user rate limit; off unless configured. */
  readonly throttle = new AuthenticatedApiThrottle();
  /** The external URL (no trailing slash), known once the server listens. */
  baseUrl = '';
  #store!: Store;
  #access!: Access;
  #runners!: RunnerService;
  #jobs!: JobService;
  readonly #seed: EmulatorSeed;
  readonly #maxFinishedJobs: number;

  constructor(options: EmulatorCoreOptions) {
    this.clock = options.clock;
    this.#seed = options.seed;
    this.#maxFinishedJobs = options.maxFinishedJobs;
    this.#load(
      options.initialData ?? buildInitialData(options.seed, this.clock.iso()),
    );
  }

  get store(): Store {
    return this.#store;
  }

  get access(): Access {
    return this.#access;
  }

  get runners(): RunnerService {
    return this.#runners;
  }

  get jobs(): JobService {
    return this.#jobs;
  }

  /** Back to the seed: no runners, no jobs, no faults, real time. */
  reset(): void {
    this.clock.reset();
    this.faults.clear();
    this.#load(buildInitialData(this.#seed, this.clock.iso()));
  }

  #load(data: EmulatorData): void {
    this.#store = Store.fromData(data);
    this.#access = new Access(this.#store);
    this.#runners = new RunnerService(this.#store, this.clock);
    this.#jobs = new JobService(this.#store, this.clock, this.#maxFinishedJobs);
  }
}
