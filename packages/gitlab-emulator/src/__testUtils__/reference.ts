import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** One error case of an endpoint in `endpoints.json`. */
export interface ReferenceError {
  status: number;
  body?: unknown;
  when?: string;
}

/** One endpoint of `endpoints.json`. */
export interface ReferenceEndpoint {
  id: string;
  method: string;
  path: string;
  success: {
    status: number;
    example?: string;
    fields?: string[] | Record<string, string>;
    item_fields?: string[];
  };
  errors: ReferenceError[];
}

/** The shared GitLab reference files, parsed. */
export interface GitLabReference {
  dir: string;
  endpoints: ReferenceEndpoint[];
  errors: { by_status: Record<string, unknown[]> };
  pagination: {
    params: Record<string, string>;
    response_headers: Record<string, string>;
    link_rules: string[];
    example_response_headers: Record<string, string>;
  };
  rateLimits: {
    rack_attack_throttle: { body: string; headers: Record<string, unknown> };
    application_rate_limiter: { body: unknown };
  };
  endpoint(id: string): ReferenceEndpoint;
  example(file: string): unknown;
}

function repoRoot(): string {
  let dir = __dirname;
  while (dir !== dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).workspaces) {
      return dir;
    }
    dir = dirname(dir);
  }
  throw new Error(`no workspace root above ${__dirname}`);
}

function readJson(dir: string, file: string): any {
  return JSON.parse(readFileSync(join(dir, file), 'utf8'));
}

/**
 * `../shared/reference/gitlab` next to the repository root (or
 * `GITLAB_REFERENCE_DIR`), or undefined when that folder is absent: then only
 * the reference comparisons are skipped.
 */
export function loadReference(): GitLabReference | undefined {
  const dir =
    process.env.GITLAB_REFERENCE_DIR ??
    resolve(repoRoot(), '../shared/reference/gitlab');
  if (!existsSync(join(dir, 'endpoints.json'))) {
    return undefined;
  }
  const endpoints: ReferenceEndpoint[] = readJson(
    dir,
    'endpoints.json',
  ).endpoints;
  return {
    dir,
    endpoints,
    errors: readJson(dir, 'errors.json'),
    pagination: readJson(dir, 'pagination.json'),
    rateLimits: readJson(dir, 'rate_limits.json'),
    endpoint(id) {
      const found = endpoints.find(e => e.id === id);
      if (!found) throw new Error(`endpoints.json has no endpoint '${id}'`);
      return found;
    },
    example(file) {
      return readJson(dir, file);
    },
  };
}

/** The reference, loaded once per test file. */
export const reference = loadReference();
