import { Config } from '@backstage/config';

/** Refuses the config at `runners.<key>` with what is wrong and what to set. */
export function fail(key: string, message: string): never {
  throw new Error(`Invalid config at 'runners.${key}': ${message}`);
}

/** A whole number of at least `min`; the error names the key and what it got. */
export function wholeNumber(
  config: Config,
  key: string,
  fallback: number,
  prefix: string,
  min: number,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min) {
    fail(
      `${prefix}${key}`,
      `must be a whole number of ${min} or more, got ${value}`,
    );
  }
  return value;
}

/** A whole number of at least 1 (sizes, intervals, limits that 0 would break). */
export function positiveInt(
  config: Config,
  key: string,
  fallback: number,
  prefix: string,
): number {
  return wholeNumber(config, key, fallback, prefix, 1);
}

/** `positiveInt` of an optional config section: `fallback` when the section is absent. */
export function optionalInt(
  config: Config | undefined,
  key: string,
  fallback: number,
  prefix: string,
): number {
  return config ? positiveInt(config, key, fallback, prefix) : fallback;
}
