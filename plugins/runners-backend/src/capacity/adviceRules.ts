import {
  Advice,
  effectiveMinReplicas,
  Flavor,
  PoolSpec,
  ScalingSchedule,
} from '@runner-fleet/plugin-runners-common';
import { HourRollup } from '../database/HistoryStore';

/** What a rule proposes; the service adds the id, the pool and the period. */
export type AdviceDraft = Pick<
  Advice,
  'kind' | 'title' | 'reasoning' | 'change'
>;

/** How hard the rules look. */
export interface AdviceThresholds {
  /** Queue wait p95 a pool should stay under, seconds. */
  queueWaitP95Seconds: number;
  /** An hour of the day is "recurring" when it was slow on at least this many weekdays… */
  minRecurringDays: number;
  /** …and on at least this share of the weekdays it ran jobs at that hour. */
  minRecurringShare: number;
  /** Below this share of busy slots a pool counts as mostly idle. */
  idleUtilization: number;
  /** Hours of history a pool needs before any rule speaks. */
  minHours: number;
  /** Below this share of busy slots a flavor counts as idle for fleet rebalancing. */
  rebalanceIdleUtilization: number;
}

/**
 * The defaults: a 30 s wait target, 3 of the weekdays, idle below 10% busy, 3 days of data; a
 * flavor below 30% busy (KEDA's plain rule adds runners above it) can take pools of another.
 */
export const DEFAULT_THRESHOLDS: AdviceThresholds = {
  queueWaitP95Seconds: 30,
  minRecurringDays: 3,
  minRecurringShare: 0.5,
  idleUtilization: 0.1,
  minHours: 72,
  rebalanceIdleUtilization: 0.3,
};

/** A pool as the rules see it. */
export interface AdvicePool {
  spec: PoolSpec;
  flavor: Flavor;
}

/**
 * CPU and memory the pool's VMs used at p95, as a share of the flavor (0–1). No source in the
 * fleet reports it yet; without it the flavor rule stays silent rather than guess.
 */
export interface ResourceUse {
  cpuP95: number;
  memoryP95: number;
  /** Hours of samples behind the figures. */
  hours: number;
}

const HOUR = 3_600_000;
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
const pct = (x: number) => `${Math.round(x * 100)}%`;
const isWeekday = (ms: number) => {
  const d = new Date(ms).getUTCDay();
  return d >= 1 && d <= 5;
};
const dayOf = (ms: number) => Math.floor(ms / (24 * HOUR));

/** The largest value at or below the q-quantile (nearest rank). */
function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/** Hours of the day already covered by a schedule keeping at least `vms` VMs on weekdays. */
function coveredHours(schedules: ScalingSchedule[] | undefined, vms: number) {
  const covered = new Set<number>();
  for (const s of schedules ?? []) {
    if (s.timezone !== 'UTC' || !['1-5', '*', '0-6'].includes(s.days)) continue;
    if (s.minReplicas < vms) continue;
    for (let h = s.startHour; h < s.endHour; h++) covered.add(h);
  }
  return covered;
}

/**
 * Queue waits over target at the same weekday hours, again and again → keep enough VMs for
 * those hours' demand, as a schedule (a KEDA cron trigger), so VMs are up before the rush.
 */
export function recurringWaitRule(
  pool: AdvicePool,
  hours: HourRollup[],
  t: AdviceThresholds,
): AdviceDraft | undefined {
  const weekdays = new Set(
    hours.filter(h => isWeekday(h.hour)).map(h => dayOf(h.hour)),
  );
  const slots = Math.max(1, pool.flavor.jobSlots);
  const max = pool.spec.autoscaling.maxReplicas;
  const slow: Array<{
    hour: number;
    days: number;
    of: number;
    p95: number;
    vms: number;
  }> = [];
  for (let hour = 0; hour < 24; hour++) {
    const at = hours.filter(
      h =>
        isWeekday(h.hour) &&
        new Date(h.hour).getUTCHours() === hour &&
        h.jobsStarted > 0,
    );
    const over = at.filter(h => (h.waitP95 ?? 0) > t.queueWaitP95Seconds);
    if (
      over.length < t.minRecurringDays ||
      over.length < t.minRecurringShare * at.length
    )
      continue;
    // Jobs running plus waiting at the hour's peak, on a typical slow day (the median).
    const demand = quantile(
      over.map(h => h.busySlotsMax + h.pendingMax),
      0.5,
    );
    slow.push({
      hour,
      days: over.length,
      of: at.length,
      p95: quantile(
        over.map(h => h.waitP95 ?? 0),
        0.5,
      ),
      vms: Math.min(max, Math.ceil(demand / slots)),
    });
  }
  const min = effectiveMinReplicas(pool.spec.autoscaling);
  const needed = slow.filter(
    s =>
      s.vms > min &&
      !coveredHours(pool.spec.autoscaling.schedules, s.vms).has(s.hour),
  );
  if (needed.length === 0) return undefined;
  // Consecutive hours become one window with the largest VM count among them.
  const windows: Array<{ start: number; end: number; vms: number }> = [];
  for (const s of needed) {
    const last = windows[windows.length - 1];
    if (last && last.end === s.hour) {
      last.end = s.hour + 1;
      last.vms = Math.max(last.vms, s.vms);
    } else windows.push({ start: s.hour, end: s.hour + 1, vms: s.vms });
  }
  const schedules: ScalingSchedule[] = windows.map(w => ({
    days: '1-5',
    startHour: w.start,
    endHour: w.end,
    minReplicas: w.vms,
    timezone: 'UTC',
  }));
  const describe = (w: { start: number; end: number; vms: number }) =>
    `${w.vms} VMs Mon–Fri ${hh(w.start)}–${hh(w.end)} UTC`;
  return {
    kind: 'schedule-min-replicas',
    title: `Keep ${windows.map(describe).join(', ')}`,
    reasoning: [
      ...needed.map(
        s =>
          `${hh(s.hour)}–${hh(s.hour + 1)} UTC: queue wait p95 was ${Math.round(
            s.p95,
          )} s (target ${t.queueWaitP95Seconds} s) on ${s.days} of ${
            s.of
          } weekdays that ran jobs then; ${s.vms} VMs of ${
            pool.flavor.name
          } (${slots} job slots each) hold the jobs that ran and waited at its peak.`,
      ),
      `The pool keeps ${min} VM${
        min === 1 ? '' : 's'
      } otherwise; VMs added only when jobs queue take about 45 s to boot, so the rush waits. A KEDA cron trigger keeps them ready for those hours, beside the utilisation and queue triggers.`,
      `Based on ${weekdays.size} weekdays of history.`,
    ],
    change: {
      autoscaling: {
        schedules: [...(pool.spec.autoscaling.schedules ?? []), ...schedules],
      },
    },
  };
}

/** Mostly idle → keep fewer VMs; scale to zero when most hours run no job at all. */
export function idleRule(
  pool: AdvicePool,
  hours: HourRollup[],
  t: AdviceThresholds,
): AdviceDraft | undefined {
  const min = effectiveMinReplicas(pool.spec.autoscaling);
  if (min === 0) return undefined;
  const busy = hours.reduce((a, h) => a + h.busySlotSeconds, 0);
  const total = hours.reduce((a, h) => a + h.totalSlotSeconds, 0);
  if (total <= 0) return undefined;
  const utilization = busy / total;
  if (utilization >= t.idleUtilization) return undefined;
  const quiet = hours.filter(h => h.jobsStarted === 0).length / hours.length;
  const slots = Math.max(1, pool.flavor.jobSlots);
  const reasons = [
    `Over ${hours.length} hours, ${pct(
      utilization,
    )} of the job slots were busy (idle below ${pct(
      t.idleUtilization,
    )}), while the pool kept at least ${min} VM${
      min === 1 ? '' : 's'
    } running.`,
  ];
  if (quiet >= 0.6 && pool.flavor.os === 'linux') {
    return {
      kind: 'lower-min-replicas',
      title: 'Scale to zero when no job runs or waits',
      reasoning: [
        ...reasons,
        `${pct(
          quiet,
        )} of the hours started no job at all. Scaling to zero costs the first job after a quiet spell one VM boot (about 45 s).`,
      ],
      change: { autoscaling: { minReplicas: 0, scaleToZero: true } },
    };
  }
  // Enough VMs for a busy hour (p90 of the hourly peaks), at least one.
  const peak = quantile(
    hours.map(h => h.busySlotsMax),
    0.9,
  );
  const lower = Math.max(1, Math.ceil(peak / slots));
  if (lower >= pool.spec.autoscaling.minReplicas) return undefined;
  return {
    kind: 'lower-min-replicas',
    title: `Lower min replicas from ${pool.spec.autoscaling.minReplicas} to ${lower}`,
    reasoning: [
      ...reasons,
      `In 9 of 10 hours at most ${peak} jobs ran at once: ${lower} VM${
        lower === 1 ? '' : 's'
      } of ${slots} slots hold that; KEDA still adds VMs when load comes.`,
    ],
    change: { autoscaling: { minReplicas: lower } },
  };
}

/** CPU and memory mostly unused → a smaller standard flavor; exhausted → a larger one. */
export function flavorRule(
  pool: AdvicePool,
  use: ResourceUse | undefined,
  catalog: Flavor[],
  t: AdviceThresholds,
): AdviceDraft | undefined {
  if (!use || use.hours < t.minHours) return undefined;
  const current = pool.flavor;
  const needCpu = use.cpuP95 * current.cpu;
  const needMem = use.memoryP95 * current.memoryGiB;
  const same = catalog
    .filter(f => f.os === current.os && f.name !== current.name)
    .sort((a, b) => a.cpu - b.cpu || a.memoryGiB - b.memoryGiB);
  const figures = `At p95 over ${use.hours} hours the VMs used ${pct(
    use.cpuP95,
  )} of ${current.cpu} vCPU and ${pct(use.memoryP95)} of ${
    current.memoryGiB
  } GiB (${current.name}).`;
  if (use.cpuP95 > 0.9 || use.memoryP95 > 0.9) {
    const bigger = same.find(
      f =>
        f.cpu >= current.cpu &&
        f.memoryGiB >= current.memoryGiB &&
        needCpu <= 0.7 * f.cpu &&
        needMem <= 0.7 * f.memoryGiB,
    );
    if (!bigger) return undefined;
    return {
      kind: 'flavor-change',
      title: `Move to ${bigger.name}: jobs run out of ${
        use.cpuP95 > 0.9 ? 'CPU' : 'memory'
      }`,
      reasoning: [
        figures,
        `Jobs near the limit run slowly or get killed; ${bigger.name} (${bigger.cpu} vCPU, ${bigger.memoryGiB} GiB) keeps that use below 70%.`,
      ],
      change: { flavor: bigger.name },
    };
  }
  if (use.cpuP95 < 0.3 && use.memoryP95 < 0.3) {
    const smaller = [...same]
      .reverse()
      .find(
        f =>
          f.cpu < current.cpu &&
          needCpu <= 0.7 * f.cpu &&
          needMem <= 0.7 * f.memoryGiB,
      );
    if (!smaller) return undefined;
    return {
      kind: 'flavor-change',
      title: `Move to ${smaller.name}: most CPU and memory go unused`,
      reasoning: [
        figures,
        `${smaller.name} (${smaller.cpu} vCPU, ${smaller.memoryGiB} GiB) still keeps that use below 70% and costs less per VM.`,
      ],
      change: { flavor: smaller.name },
    };
  }
  return undefined;
}
