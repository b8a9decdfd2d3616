import { Percentiles } from '@runner-fleet/plugin-runners-common';

/** Nearest-rank percentile of already sorted values. */
function rank(sorted: number[], p: number): number {
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[index];
}

/** p50, p90, p95 and p99 (nearest rank) of some samples, rounded to 0.1. */
export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { samples: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    p50: round(rank(sorted, 50)),
    p90: round(rank(sorted, 90)),
    p95: round(rank(sorted, 95)),
    p99: round(rank(sorted, 99)),
    samples: sorted.length,
  };
}
