import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';

/** The p-th percentile (nearest rank) of a list of milliseconds. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(
      sorted.length - 1,
      Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
    )
  ];
}

/** p50/p95/p99 of a sample, with its size. */
export interface Latencies {
  n: number;
  p50: number;
  p95: number;
  p99: number;
}

export function latencies(values: number[]): Latencies {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
  };
}

/**
 * Runs `total` calls of `fn` with at most `concurrency` in flight and returns each call's
 * duration. Bounded: exactly `total` calls, and every call has to finish.
 */
export async function timedCalls(
  total: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < total) {
      const i = next++;
      const start = performance.now();
      await fn(i);
      times.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  return times;
}

/** Runs `fn` over `items` with at most `concurrency` in flight (for seeding). */
export async function forEachLimit<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, i: number) => Promise<unknown>,
): Promise<void> {
  await timedCalls(items.length, concurrency, i => fn(items[i], i));
}

/** The 1-minute load average, as a string for the table. */
export function load(): string {
  return loadavg()[0].toFixed(1);
}

export const ms = (v: number) =>
  Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms` : 'n/a';
