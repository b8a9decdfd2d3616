import { createHash } from 'node:crypto';

/** Hex characters kept of the sha256: 48 bits, ample to tell two renderings of one object apart. */
const HASH_LENGTH = 12;

/**
 * JSON with object keys sorted at every level, so equal values give equal text whatever order
 * they were built in. `undefined` members are dropped, as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) {
      if (source[key] !== undefined) {
        sorted[key] = sortKeys(source[key]);
      }
    }
    return sorted;
  }
  return value;
}

/** A short sha256 of the canonical JSON of a value; a valid label value. */
export function shortHash(value: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(value))
    .digest('hex')
    .slice(0, HASH_LENGTH);
}
