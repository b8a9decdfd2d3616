type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Paths where two JSON values differ, one entry per differing leaf or subtree: `+path` only in
 * `actual`, `-path` only in `expected`, `~path` changed. Arrays compare element by element.
 */
export function jsonDiff(actual: Json, expected: Json, path = ''): string[] {
  if (isObject(actual) && isObject(expected)) {
    const keys = [
      ...new Set([...Object.keys(actual), ...Object.keys(expected)]),
    ];
    return keys.sort().flatMap(key => {
      const child = `${path}.${key}`;
      if (!(key in expected)) return [`+${child}`];
      if (!(key in actual)) return [`-${child}`];
      return jsonDiff(actual[key], expected[key], child);
    });
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    const length = Math.max(actual.length, expected.length);
    return Array.from({ length }, (_, i) => {
      const child = `${path}[${i}]`;
      if (i >= expected.length) return [`+${child}`];
      if (i >= actual.length) return [`-${child}`];
      return jsonDiff(actual[i], expected[i], child);
    }).flat();
  }
  return JSON.stringify(actual) === JSON.stringify(expected)
    ? []
    : [`~${path}`];
}
