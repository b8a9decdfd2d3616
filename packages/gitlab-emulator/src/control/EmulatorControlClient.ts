import { Fault, FaultSpec } from '../http/faults';
import {
  ClockChange,
  ClockState,
  EmulatorSnapshot,
  EnqueueJobsRequest,
  EnqueueJobsResponse,
  JobFilter,
  JobSnapshot,
  RunnerSnapshot,
} from './types';

/** A non-2xx answer of the control surface. @public */
export class EmulatorControlError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(method: string, path: string, status: number, body: unknown) {
    const detail =
      body && typeof body === 'object' && 'message' in body
        ? String((body as { message: unknown }).message)
        : JSON.stringify(body);
    super(`${method} ${path} answered ${status}: ${detail}`);
    this.name = 'EmulatorControlError';
    this.status = status;
    this.body = body;
  }
}

/** Options of {@link EmulatorControlClient}. @public */
export interface EmulatorControlClientOptions {
  /** The emulator's base URL (without `/api/v4`). */
  url: string;
  /** An administrator's personal access token with the `api` scope. */
  token: string;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * A typed client for the emulator's control surface (`/-/emulator/...`):
 * inspection, job traffic, the clock, fault injection and reset. Used by
 * tests and the fleet simulator; talks HTTP, so it works against an emulator
 * in another process too.
 *
 * @public
 */
export class EmulatorControlClient {
  readonly #url: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;

  constructor(options: EmulatorControlClientOptions) {
    this.#url = options.url.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Everything: runners (with tokens), managers, jobs, counts, faults. */
  state(): Promise<EmulatorSnapshot> {
    return this.#request('GET', '/state');
  }

  runners(): Promise<RunnerSnapshot[]> {
    return this.#request('GET', '/runners');
  }

  jobs(filter: JobFilter = {}): Promise<JobSnapshot[]> {
    const query = new URLSearchParams();
    if (filter.status) query.set('status', filter.status);
    if (filter.project !== undefined)
      query.set('project', String(filter.project));
    if (filter.runnerId !== undefined)
      query.set('runnerId', String(filter.runnerId));
    const suffix = query.size > 0 ? `?${query}` : '';
    return this.#request('GET', `/jobs${suffix}`);
  }

  /** Creates a pipeline of pending jobs in a project. */
  enqueueJobs(request: EnqueueJobsRequest): Promise<EnqueueJobsResponse> {
    return this.#request('POST', '/jobs', request);
  }

  cancelJob(jobId: number): Promise<JobSnapshot> {
    return this.#request('POST', `/jobs/${jobId}/cancel`);
  }

  /** Back to the seed; also clears faults and the clock offset. */
  reset(): Promise<EmulatorSnapshot> {
    return this.#request('POST', '/reset');
  }

  clock(): Promise<ClockState> {
    return this.#request('GET', '/clock');
  }

  changeClock(change: ClockChange): Promise<ClockState> {
    return this.#request('POST', '/clock', change);
  }

  advanceClock(ms: number): Promise<ClockState> {
    return this.changeClock({ advanceMs: ms });
  }

  setClock(at: Date, options: { freeze?: boolean } = {}): Promise<ClockState> {
    return this.changeClock({ set: at.toISOString(), freeze: options.freeze });
  }

  faults(): Promise<Fault[]> {
    return this.#request('GET', '/faults');
  }

  addFault(spec: FaultSpec): Promise<Fault> {
    return this.#request('POST', '/faults', spec);
  }

  async removeFault(id: number): Promise<void> {
    await this.#request('DELETE', `/faults/${id}`);
  }

  async clearFaults(): Promise<void> {
    await this.#request('DELETE', '/faults');
  }

  async #request<T>(method: string, path: string, body?: object): Promise<T> {
    const response = await this.#fetch(`${this.#url}/-/emulator${path}`, {
      method,
      headers: {
        'private-token': this.#token,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      throw new EmulatorControlError(method, path, response.status, parsed);
    }
    return parsed as T;
  }
}
