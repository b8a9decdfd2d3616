/** Shown where a number is unknown (no samples yet). */
export const UNKNOWN = '–';

/**
 * A duration in seconds in the unit people read fastest: `42 s`, `3 min 5 s`, `2 h 10 min`.
 *
 * @public
 */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return UNKNOWN;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const rest = s % 60;
    return rest ? `${Math.floor(s / 60)} min ${rest} s` : `${s / 60} min`;
  }
  const minutes = Math.round((s % 3600) / 60);
  return minutes
    ? `${Math.floor(s / 3600)} h ${minutes} min`
    : `${Math.floor(s / 3600)} h`;
}

/**
 * A share from 0 to 1 as a whole percentage, e.g. `35%`.
 *
 * @public
 */
export function formatPercent(share: number | undefined): string {
  if (share === undefined || !Number.isFinite(share)) return UNKNOWN;
  return `${Math.round(share * 100)}%`;
}

/**
 * Cost in cost-weight units (one m1.large VM for one hour is 1), one decimal.
 *
 * @public
 */
export function formatCost(units: number | undefined): string {
  if (units === undefined || !Number.isFinite(units)) return UNKNOWN;
  return units >= 100 ? `${Math.round(units)}` : units.toFixed(1);
}
