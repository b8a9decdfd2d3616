import { UsageHour } from '../database/UsageStore';
import { ResourceUse } from './adviceRules';

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/**
 * A pool's CPU and memory use over a window, from its stored usage hours on `flavor` (hours on
 * another flavor say nothing about this one): the p95 over the hours of each hour's p95, so a
 * shortage that comes back in more than one hour in twenty counts, a single spike does not.
 */
export function resourceUse(
  hours: UsageHour[],
  flavor: string,
): ResourceUse | undefined {
  const own = hours.filter(h => h.flavor === flavor && h.samples > 0);
  if (own.length === 0) return undefined;
  return {
    cpuP95: quantile(
      own.map(h => h.cpuP95),
      0.95,
    ),
    memoryP95: quantile(
      own.map(h => h.memoryP95),
      0.95,
    ),
    hours: own.length,
  };
}
