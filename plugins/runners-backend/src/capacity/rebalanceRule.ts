import { Flavor } from '@runner-fleet/plugin-runners-common';
import { HourRollup } from '../database/HistoryStore';
import { AdviceDraft, AdvicePool, AdviceThresholds } from './adviceRules';

/** A pool as the fleet rule sees it: the per-pool view plus its id. */
export interface FleetPool extends AdvicePool {
  id: string;
}

/** A fleet-level advice for one pool; one advice per pool, each with the fleet's reasoning. */
export interface FleetAdviceDraft {
  poolId: string;
  draft: AdviceDraft;
}

/** Demand against capacity of one flavor, over the pools running it. */
interface FlavorLoad {
  flavor: Flavor;
  pools: number;
  /** Share of the job slots that were busy, 0–1. */
  utilization: number;
  /** Jobs running plus waiting at the fleet's busiest hour, and at p95 of the hours. */
  demandPeak: number;
  demandP95: number;
  /** Job slots with every pool at its max replicas. */
  capacitySlots: number;
  /** Distinct hours with data. */
  hours: number;
}

/** A pool that queued at its max replicas at the same weekday hours, again and again. */
interface CappedPool {
  pool: FleetPool;
  /** Jobs running plus waiting at the worst of those hours (median over the slow days). */
  needed: number;
  hours: Array<{ hour: number; days: number; of: number; p95: number }>;
}

const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
const pct = (x: number) => `${Math.round(x * 100)}%`;
const isWeekday = (ms: number) => {
  const d = new Date(ms).getUTCDay();
  return d >= 1 && d <= 5;
};
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

function flavorLoads(
  pools: FleetPool[],
  hoursByPool: Map<string, HourRollup[]>,
): Map<string, FlavorLoad> {
  const acc = new Map<
    string,
    {
      flavor: Flavor;
      pools: number;
      busy: number;
      total: number;
      capacitySlots: number;
      demand: Map<number, number>;
    }
  >();
  for (const pool of pools) {
    const a = acc.get(pool.flavor.name) ?? {
      flavor: pool.flavor,
      pools: 0,
      busy: 0,
      total: 0,
      capacitySlots: 0,
      demand: new Map<number, number>(),
    };
    a.pools += 1;
    a.capacitySlots +=
      pool.spec.autoscaling.maxReplicas * Math.max(1, pool.flavor.jobSlots);
    for (const h of hoursByPool.get(pool.id) ?? []) {
      a.busy += h.busySlotSeconds;
      a.total += h.totalSlotSeconds;
      a.demand.set(
        h.hour,
        (a.demand.get(h.hour) ?? 0) + h.busySlotsMax + h.pendingMax,
      );
    }
    acc.set(pool.flavor.name, a);
  }
  const loads = new Map<string, FlavorLoad>();
  for (const [name, a] of acc) {
    const demand = [...a.demand.values()];
    loads.set(name, {
      flavor: a.flavor,
      pools: a.pools,
      utilization: a.total > 0 ? a.busy / a.total : 0,
      demandPeak: demand.length ? Math.max(...demand) : 0,
      demandP95: quantile(demand, 0.95),
      capacitySlots: a.capacitySlots,
      hours: demand.length,
    });
  }
  return loads;
}

/** Weekday hours at which the pool queued over target with all its VMs up, on most days. */
function capped(
  pool: FleetPool,
  hours: HourRollup[],
  t: AdviceThresholds,
): CappedPool | undefined {
  const max = pool.spec.autoscaling.maxReplicas;
  const slow: CappedPool['hours'] = [];
  let needed = 0;
  for (let hour = 0; hour < 24; hour++) {
    const at = hours.filter(
      h =>
        isWeekday(h.hour) &&
        new Date(h.hour).getUTCHours() === hour &&
        h.jobsStarted > 0,
    );
    const over = at.filter(
      h => (h.waitP95 ?? 0) > t.queueWaitP95Seconds && h.vmsMax >= max,
    );
    if (
      over.length < t.minRecurringDays ||
      over.length < t.minRecurringShare * at.length
    )
      continue;
    slow.push({
      hour,
      days: over.length,
      of: at.length,
      p95: quantile(
        over.map(h => h.waitP95 ?? 0),
        0.5,
      ),
    });
    needed = Math.max(
      needed,
      quantile(
        over.map(h => h.busySlotsMax + h.pendingMax),
        0.5,
      ),
    );
  }
  const capacity = max * Math.max(1, pool.flavor.jobSlots);
  if (slow.length === 0 || needed <= capacity) return undefined;
  return { pool, needed, hours: slow };
}

function describeLoad(load: FlavorLoad): string {
  return `${load.flavor.name} (${plural(load.pools, 'pool')}) kept ${pct(
    load.utilization,
  )} of its job slots busy; at p95 of the hours ${plural(
    load.demandP95,
    'job',
  )} ran or waited at once, at the peak ${load.demandPeak}, against ${
    load.capacitySlots
  } slots with every pool at its max`;
}

/**
 * Fleet-level flavor rebalancing: demand per flavor against its capacity, from the hour history
 * of every pool. When pools of one flavor queue at recurring hours with all their VMs up while
 * another flavor of the same OS idles, each such pool is advised to move to the idle flavor (the
 * smallest flavor whose job slots at the pool's max hold the peak), or, when none does, to raise
 * its max replicas. Silent when no pool queues at its max or no flavor of the same OS idles.
 * Advice comes smallest change (extra vCPU at max) first.
 */
export function rebalanceRule(
  pools: FleetPool[],
  hoursByPool: Map<string, HourRollup[]>,
  catalog: Flavor[],
  t: AdviceThresholds,
): FleetAdviceDraft[] {
  // A pool that changed flavor is judged on the hours of its current flavor.
  const own = new Map(
    pools.map(p => [
      p.id,
      (hoursByPool.get(p.id) ?? []).filter(h => h.flavor === p.flavor.name),
    ]),
  );
  const loads = flavorLoads(pools, own);
  const out: Array<FleetAdviceDraft & { extraCpu: number }> = [];
  for (const pool of pools) {
    const hours = own.get(pool.id) ?? [];
    if (hours.length < t.minHours) continue;
    const starved = capped(pool, hours, t);
    if (!starved) continue;
    const from = loads.get(pool.flavor.name)!;
    const idle = [...loads.values()]
      .filter(
        l =>
          l.flavor.os === pool.flavor.os &&
          l.flavor.name !== pool.flavor.name &&
          l.hours >= t.minHours &&
          l.utilization < t.rebalanceIdleUtilization,
      )
      .sort((a, b) => a.utilization - b.utilization);
    if (idle.length === 0) continue;
    const max = pool.spec.autoscaling.maxReplicas;
    const slots = Math.max(1, pool.flavor.jobSlots);
    // Only standard flavors are offered: a custom shape is a team's own request.
    const standard = new Set(catalog.filter(f => !f.custom).map(f => f.name));
    const target = idle
      .map(l => l.flavor)
      .filter(f => standard.has(f.name) && max * f.jobSlots >= starved.needed)
      .sort((a, b) => a.cpu - b.cpu || a.memoryGiB - b.memoryGiB)[0];
    const queued = starved.hours.map(
      s =>
        `${hh(s.hour)}–${hh(s.hour + 1)} UTC: queue wait p95 ${Math.round(
          s.p95,
        )} s (target ${t.queueWaitP95Seconds} s) on ${s.days} of ${
          s.of
        } weekdays, with all ${max} VMs running.`,
    );
    const fleet = `Across the fleet, ${describeLoad(from)}; ${idle
      .map(describeLoad)
      .join('; ')}.`;
    const quota = (extraCpu: number) =>
      extraCpu > 0
        ? [
            'If the change takes the team over its quota, applying it asks the platform team for approval.',
          ]
        : [];
    const demandLine = `At those hours ${
      starved.needed
    } jobs ran or waited at once; ${max} VMs of ${pool.flavor.name} hold ${
      max * slots
    } (${plural(slots, 'job slot')} each).`;
    if (target) {
      const extraCpu = max * (target.cpu - pool.flavor.cpu);
      out.push({
        poolId: pool.id,
        extraCpu,
        draft: {
          kind: 'flavor-rebalance',
          title: `Move to ${target.name}: ${pool.flavor.name} pools queue at their max while ${target.name} idles`,
          reasoning: [
            ...queued,
            demandLine,
            fleet,
            `${max} VMs of ${target.name} (${target.cpu} vCPU, ${
              target.memoryGiB
            } GiB, ${plural(target.jobSlots, 'job slot')} each) hold ${
              max * target.jobSlots
            } jobs, ${
              extraCpu >= 0 ? '+' : ''
            }${extraCpu} vCPU at max; it is the smallest ${
              pool.flavor.os
            } flavor that does.`,
            ...quota(extraCpu),
          ],
          change: { flavor: target.name },
        },
      });
    } else {
      const raised = Math.ceil(starved.needed / slots);
      const extraCpu = (raised - max) * pool.flavor.cpu;
      out.push({
        poolId: pool.id,
        extraCpu,
        draft: {
          kind: 'flavor-rebalance',
          title: `Raise max replicas from ${max} to ${raised}: ${pool.flavor.name} pools queue at their max`,
          reasoning: [
            ...queued,
            demandLine,
            fleet,
            `No idle ${pool.flavor.os} flavor holds ${starved.needed} jobs on ${max} VMs; ${raised} VMs of ${pool.flavor.name} do, +${extraCpu} vCPU at max.`,
            ...quota(extraCpu),
          ],
          change: { autoscaling: { maxReplicas: raised } },
        },
      });
    }
  }
  return out
    .sort((a, b) => a.extraCpu - b.extraCpu || a.poolId.localeCompare(b.poolId))
    .map(({ poolId, draft }) => ({ poolId, draft }));
}
