import { GitLabEmulator, startGitLabEmulator } from '../startGitLabEmulator';
import { GitLabEmulatorOptions } from '../startGitLabEmulator';

/** A response as tests look at it. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** Options of {@link call}. */
export interface CallOptions {
  token?: string;
  body?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Calls the emulator with fetch; `path` is relative to the base URL. */
export async function call(
  emulator: GitLabEmulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['private-token'] = options.token;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers,
    body,
  });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json');
  return {
    status: response.status,
    headers: response.headers,
    body: json && text ? JSON.parse(text) : text,
    text,
  };
}

/** Starts an emulator for a test file and stops it afterwards. */
export function useEmulator(options: GitLabEmulatorOptions = {}) {
  let started: GitLabEmulator | undefined;
  beforeAll(async () => {
    started = await startGitLabEmulator(options);
  });
  afterAll(async () => {
    await started?.stop();
  });
  return {
    get emulator(): GitLabEmulator {
      if (!started) {
        throw new Error(
          'the emulator starts in beforeAll; use it inside tests',
        );
      }
      return started;
    },
  };
}

/** Creates a runner through the API and returns `{id, token}`. */
export async function createRunner(
  emulator: GitLabEmulator,
  body: Record<string, unknown>,
  token = emulator.tokens.admin,
): Promise<{ id: number; token: string }> {
  const response = await call(emulator, 'POST', '/api/v4/user/runners', {
    token,
    body,
  });
  if (response.status !== 201) {
    throw new Error(
      `runner creation answered ${response.status}: ${response.text}`,
    );
  }
  return response.body;
}
