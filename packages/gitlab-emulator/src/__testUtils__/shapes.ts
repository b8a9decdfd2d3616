import { ApiResponse } from './api';
import { reference } from './reference';

function kind(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** Keys every non-null example item has, with the first non-null value each. */
function commonShape(items: unknown[]): unknown {
  const objects = items.filter(
    (i): i is Record<string, unknown> => kind(i) === 'object',
  );
  if (objects.length === 0) return items[0];
  const shape: Record<string, unknown> = {};
  for (const key of Object.keys(objects[0])) {
    if (objects.every(o => key in o)) {
      const values = objects.map(o => o[key]);
      const nonNull = values.filter(v => v !== null);
      shape[key] = nonNull.length === 0 ? null : commonShape(nonNull);
    }
  }
  return shape;
}

/**
 * Problems where `actual` does not cover the documented example: a missing
 * key, or a value of another JSON type (nulls on either side are not
 * compared, since GitLab's own examples mix null and values).
 */
export function shapeProblems(
  example: unknown,
  actual: unknown,
  path = '$',
): string[] {
  if (example === null || actual === null) return [];
  if (kind(example) !== kind(actual)) {
    return [
      `${path}: example is ${kind(example)}, emulator gave ${kind(actual)}`,
    ];
  }
  if (Array.isArray(example)) {
    const list = actual as unknown[];
    if (example.length === 0 || list.length === 0) return [];
    const shape = commonShape(example);
    return list.flatMap((item, i) =>
      shapeProblems(shape, item, `${path}[${i}]`),
    );
  }
  if (kind(example) === 'object') {
    const object = actual as Record<string, unknown>;
    return Object.entries(example as Record<string, unknown>).flatMap(
      ([key, value]) =>
        key in object
          ? shapeProblems(value, object[key], `${path}.${key}`)
          : [`${path}.${key}: missing`],
    );
  }
  return [];
}

/**
 * Checks a success response against `endpoints.json` and the endpoint's
 * documented example: status, exact field sets where the reference lists
 * them, and coverage of the example's keys and types. A no-op without the
 * reference folder.
 */
export function expectConformsTo(
  endpointId: string,
  response: ApiResponse,
  options: { conditional?: string[] } = {},
): void {
  if (!reference) return;
  const endpoint = reference.endpoint(endpointId);
  expect(response.status).toBe(endpoint.success.status);
  const { fields, item_fields: itemFields, example } = endpoint.success;
  if (itemFields) {
    expect(Array.isArray(response.body)).toBe(true);
    for (const item of response.body) {
      expect(Object.keys(item).sort()).toEqual([...itemFields].sort());
    }
  }
  if (fields) {
    const names = Array.isArray(fields) ? fields : Object.keys(fields);
    expect(Object.keys(response.body).sort()).toEqual([...names].sort());
  }
  if (example) {
    // Keys GitLab exposes only in some states (e.g. `failure_reason` only
    // for failed jobs) are not required on every item.
    const conditional = options.conditional ?? [];
    const problems = shapeProblems(reference.example(example), response.body);
    expect(
      problems.filter(
        p => !conditional.some(key => p.endsWith(`.${key}: missing`)),
      ),
    ).toEqual([]);
  }
}

/**
 * Asserts that a body is one of the error bodies `endpoints.json` lists for
 * that endpoint and status (placeholders like `<reason>` match anything). A
 * no-op without the reference folder.
 */
export function expectDocumentedError(
  endpointId: string,
  response: ApiResponse,
): void {
  if (!reference) return;
  const documented = reference
    .endpoint(endpointId)
    .errors.filter(e => e.status === response.status && e.body !== undefined)
    .map(e => JSON.stringify(e.body));
  const actual = JSON.stringify(response.body);
  const matches = documented.some(doc => {
    const pattern = doc
      .split(/<[^>]+>/)
      .map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return new RegExp(`^${pattern}$`).test(actual);
  });
  if (!matches) {
    throw new Error(
      `${endpointId} ${
        response.status
      } ${actual} is not among the documented bodies: ${documented.join(
        ' | ',
      )}`,
    );
  }
}

function rels(link: string | null | undefined): string[] {
  return [...(link ?? '').matchAll(/rel="(\w+)"/g)].map(m => m[1]);
}

/**
 * Pagination headers against `pagination.json`: every documented header is
 * sent and the `link` relations come in the documented order. A no-op
 * without the reference folder.
 */
export function expectDocumentedPagination(response: ApiResponse): void {
  if (!reference) return;
  const { response_headers: headers, example_response_headers: example } =
    reference.pagination;
  expect(Object.keys(headers).filter(h => !response.headers.has(h))).toEqual(
    [],
  );
  expect(rels(response.headers.get('link'))).toEqual(rels(example.link));
}

/**
 * `x-per-page` for a request without `per_page` and for one above the
 * maximum, against the defaults `pagination.json` documents.
 */
export function expectDocumentedPerPage(
  defaultResponse: ApiResponse,
  cappedResponse: ApiResponse,
): void {
  if (!reference) return;
  const [, perPage, max] =
    /default (\d+), max (\d+)/.exec(reference.pagination.params.per_page) ?? [];
  expect([
    defaultResponse.headers.get('x-per-page'),
    cappedResponse.headers.get('x-per-page'),
  ]).toEqual([perPage, max]);
}

/** A Rack::Attack 429 against `rate_limits.json`. */
export function expectDocumentedThrottle(response: ApiResponse): void {
  if (!reference) return;
  const throttle = reference.rateLimits.rack_attack_throttle;
  expect(
    Object.keys(throttle.headers).filter(h => !response.headers.has(h)),
  ).toEqual([]);
  expect(throttle.body).toContain(response.text.trim());
}

/** An application rate limiter 429 against `rate_limits.json`. */
export function expectDocumentedAppRateLimit(response: ApiResponse): void {
  if (!reference) return;
  expect(response.body).toEqual(
    reference.rateLimits.application_rate_limiter.body,
  );
}

/** A body `errors.json` lists for that status. */
export function expectListedError(response: ApiResponse): void {
  if (!reference) return;
  expect(reference.errors.by_status[String(response.status)]).toContainEqual(
    response.body,
  );
}
