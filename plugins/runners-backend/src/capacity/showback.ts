import {
  ClusterPrice,
  Showback,
  ShowbackRow,
  UsageFigures,
} from '@runner-fleet/plugin-runners-common';
import { HourRollup } from '../database/HistoryStore';

const HOUR_S = 3600;

const empty = (): UsageFigures => ({
  vmHours: 0,
  vcpuHours: 0,
  gibHours: 0,
  burstVcpuHours: 0,
  burstGibHours: 0,
  jobMinutes: 0,
  jobs: 0,
});

/**
 * One pool-hour's use. The rollup sums vCPU- and GiB-seconds over both clusters and keeps the
 * burst VM-seconds apart; the burst share of VM-seconds splits them (exact while a pool keeps one
 * flavor through the hour, which is how every hour but a flavor change's looks).
 */
function hourUsage(h: HourRollup): UsageFigures {
  const burstShare = h.vmSeconds > 0 ? h.burstVmSeconds / h.vmSeconds : 0;
  const vcpu = h.vcpuSeconds / HOUR_S;
  const gib = h.gibSeconds / HOUR_S;
  return {
    vmHours: h.vmSeconds / HOUR_S,
    vcpuHours: vcpu * (1 - burstShare),
    gibHours: gib * (1 - burstShare),
    burstVcpuHours: vcpu * burstShare,
    burstGibHours: gib * burstShare,
    jobMinutes: h.jobSeconds / 60,
    jobs: h.jobsFinished,
  };
}

function add(into: UsageFigures, u: UsageFigures): void {
  into.vmHours += u.vmHours;
  into.vcpuHours += u.vcpuHours;
  into.gibHours += u.gibHours;
  into.burstVcpuHours += u.burstVcpuHours;
  into.burstGibHours += u.burstGibHours;
  into.jobMinutes += u.jobMinutes;
  into.jobs += u.jobs;
}

const round = (n: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** Prices and rounds figures (hours to 0.001, money to 0.01) once all hours are summed. */
function finish<T extends UsageFigures>(
  u: T,
  prices: ClusterPrice[] | undefined,
): T {
  const primary = prices?.find(p => p.role === 'primary');
  const burst = prices?.find(p => p.role === 'burst');
  const cost =
    primary && burst
      ? round(
          u.vcpuHours * primary.vcpuHour +
            u.gibHours * primary.gibHour +
            u.burstVcpuHours * burst.vcpuHour +
            u.burstGibHours * burst.gibHour,
          2,
        )
      : undefined;
  return {
    ...u,
    vmHours: round(u.vmHours, 3),
    vcpuHours: round(u.vcpuHours, 3),
    gibHours: round(u.gibHours, 3),
    burstVcpuHours: round(u.burstVcpuHours, 3),
    burstGibHours: round(u.burstGibHours, 3),
    jobMinutes: round(u.jobMinutes, 2),
    ...(cost === undefined ? {} : { cost }),
  };
}

/** Sums usage per key, in first-seen order of the keys. */
function group<K extends object>(
  hours: HourRollup[],
  keyOf: (h: HourRollup) => K,
): Array<K & UsageFigures> {
  const groups = new Map<string, K & UsageFigures>();
  for (const h of hours) {
    const key = keyOf(h);
    const id = JSON.stringify(key);
    const g = groups.get(id) ?? { ...key, ...empty() };
    add(g, hourUsage(h));
    groups.set(id, g);
  }
  return [...groups.values()];
}

/**
 * The showback of the pool-hours given: per pool and flavor, per team, per flavor and in total,
 * priced per cluster when `prices` (with a currency) are given.
 */
export function computeShowback(options: {
  hours: HourRollup[];
  fromMs: number;
  toMs: number;
  currency?: string;
  prices: ClusterPrice[];
}): Showback {
  const { hours, currency } = options;
  const prices = currency ? options.prices : undefined;
  const byName = (a: { team: string; poolName?: string; flavor?: string }) =>
    `${a.team}/${a.poolName ?? ''}/${a.flavor ?? ''}`;
  const rows: ShowbackRow[] = group(hours, h => ({
    team: h.team,
    poolId: h.poolId,
    poolName: h.poolName,
    flavor: h.flavor,
  }))
    .map(r => finish(r, prices))
    .sort((a, b) => byName(a).localeCompare(byName(b)));
  const total = empty();
  for (const h of hours) add(total, hourUsage(h));
  return {
    from: new Date(options.fromMs).toISOString(),
    to: new Date(options.toMs).toISOString(),
    ...(currency ? { currency } : {}),
    prices: options.prices,
    rows,
    teams: group(hours, h => ({ team: h.team }))
      .map(t => finish(t, prices))
      .sort((a, b) => a.team.localeCompare(b.team)),
    flavors: group(hours, h => ({ flavor: h.flavor }))
      .map(f => finish(f, prices))
      .sort((a, b) => a.flavor.localeCompare(b.flavor)),
    total: finish(total, prices),
  };
}

const CSV_COLUMNS: Array<keyof ShowbackRow> = [
  'team',
  'poolName',
  'poolId',
  'flavor',
  'vmHours',
  'vcpuHours',
  'gibHours',
  'burstVcpuHours',
  'burstGibHours',
  'jobMinutes',
  'jobs',
  'cost',
];

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a formula lead is defused. */
function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  // A cell starting with = + - @ runs as a formula in spreadsheets; names come from users.
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The showback's rows as CSV, one line per pool and flavor, with the period and currency. */
export function showbackCsv(showback: Showback): string {
  const header = [...CSV_COLUMNS, 'currency', 'from', 'to'];
  const lines = showback.rows.map(row =>
    [
      ...CSV_COLUMNS.map(c => csvField(row[c])),
      csvField(showback.currency),
      showback.from,
      showback.to,
    ].join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
