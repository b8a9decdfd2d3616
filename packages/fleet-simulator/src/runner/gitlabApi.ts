/** The answer of a runner-side API call; `status` 0 when GitLab could not be reached. */
export interface ApiAnswer<T> {
  status: number;
  body?: T;
  /** A one-line description of a failure: `403 Forbidden`, `cannot reach ...`. */
  error?: string;
  headers?: Headers;
}

/** A job as `POST /jobs/request` hands it out (the fields the simulator uses). */
export interface JobPayload {
  id: number;
  token: string;
  job_info?: { name?: string; project_full_path?: string };
  steps?: Array<{ name?: string; script?: string[] }>;
}

/** What a gitlab-runner reports about itself in `info`. */
export interface RunnerInfo {
  name: string;
  version: string;
  revision: string;
  platform: string;
  architecture: string;
  executor: string;
}

const TIMEOUT_MS = 10_000;

function describe(status: number, body: unknown): string {
  const detail =
    body && typeof body === 'object'
      ? (body as { message?: unknown; error?: unknown }).message ??
        (body as { error?: unknown }).error
      : body;
  const text =
    typeof detail === 'string' ? detail : JSON.stringify(detail ?? '');
  return text.startsWith(String(status)) ? text : `${status} ${text}`.trim();
}

async function call<T>(
  method: string,
  url: string,
  body: object,
  headers: Record<string, string> = {},
  rawBody?: string,
): Promise<ApiAnswer<T>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers:
        rawBody === undefined
          ? { 'content-type': 'application/json', ...headers }
          : headers,
      body: rawBody ?? JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } })
      .cause;
    return {
      status: 0,
      error: `cannot reach ${new URL(url).origin}: ${
        cause?.code ?? cause?.message ?? (error as Error).message
      }`,
    };
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (HTML of a wrong URL, `200` of a job update)
  }
  return response.ok
    ? { status: response.status, body: parsed as T, headers: response.headers }
    : {
        status: response.status,
        error: describe(response.status, parsed),
        headers: response.headers,
      };
}

/** The runner-side endpoints of GitLab's `/api/v4` that gitlab-runner calls. */
export class RunnerApi {
  readonly #api: string;

  /** @param url - the `url` of a `[[runners]]` entry (GitLab's base URL). */
  constructor(url: string) {
    this.#api = `${url.replace(/\/+$/, '')}/api/v4`;
  }

  /** `POST /runners/verify`: checks the token, creates or refreshes the manager `system_id`. */
  verify(token: string, systemId: string): Promise<ApiAnswer<{ id: number }>> {
    return call('POST', `${this.#api}/runners/verify`, {
      token,
      system_id: systemId,
    });
  }

  /** `POST /jobs/request`: heartbeat, and a job when one is waiting (201) or none (204). */
  requestJob(
    token: string,
    systemId: string,
    info: RunnerInfo,
    lastUpdate?: string,
  ): Promise<ApiAnswer<JobPayload>> {
    return call('POST', `${this.#api}/jobs/request`, {
      token,
      system_id: systemId,
      info,
      ...(lastUpdate ? { last_update: lastUpdate } : {}),
    });
  }

  /** `PUT /jobs/:id`: job state; 403 once the job is no longer running (e.g. canceled). */
  updateJob(
    job: JobPayload,
    state: 'running' | 'success' | 'failed',
    failure?: { reason: string; exitCode: number },
  ): Promise<ApiAnswer<unknown>> {
    return call('PUT', `${this.#api}/jobs/${job.id}`, {
      token: job.token,
      state,
      ...(failure
        ? { failure_reason: failure.reason, exit_code: failure.exitCode }
        : {}),
    });
  }

  /** `PATCH /jobs/:id/trace`: appends log output at `offset`. */
  appendTrace(
    job: JobPayload,
    offset: number,
    text: string,
  ): Promise<ApiAnswer<unknown>> {
    const end = offset + Buffer.byteLength(text) - 1;
    return call(
      'PATCH',
      `${this.#api}/jobs/${job.id}/trace`,
      {},
      {
        'job-token': job.token,
        'content-range': `${offset}-${end}`,
        'content-type': 'text/plain',
      },
      text,
    );
  }
}
