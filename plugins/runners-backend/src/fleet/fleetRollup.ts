import {
  FleetSummary,
  PoolHealth,
  TeamHealth,
} from '@runner-fleet/plugin-runners-common';

/**
 * Pure roll-ups of pool health into team and fleet figures: what the team and fleet views add
 * up, apart from where the pool health comes from.
 */

/** `dataAgeSeconds` of a group of pools: its oldest pool's, when any was read. */
export function oldestAge(pools: PoolHealth[]): { dataAgeSeconds?: number } {
  const ages = pools.flatMap(p =>
    p.dataAgeSeconds === undefined ? [] : [p.dataAgeSeconds],
  );
  return ages.length ? { dataAgeSeconds: Math.max(...ages) } : {};
}

/** A team's totals: VMs on both clusters, slots, pending jobs and 24 h cost. */
export function teamTotals(list: PoolHealth[]): TeamHealth['totals'] {
  const sum = (of: (p: PoolHealth) => number) =>
    list.reduce((n, p) => n + of(p), 0);
  return {
    vms: sum(p => p.replicas.current + p.burst.replicas),
    readyVms: sum(p => p.replicas.ready + p.burst.ready),
    busySlots: sum(p => p.utilization.busySlots),
    totalSlots: sum(p => p.utilization.totalSlots),
    pending: sum(p => p.queue.pending),
    weightedCost24h: Math.round(sum(p => p.cost.weighted24h) * 100) / 100,
  };
}

/** Pools, slots and pending jobs per flavor, by flavor name. */
export function byFlavor(all: PoolHealth[]): FleetSummary['byFlavor'] {
  const flavors = new Map<string, FleetSummary['byFlavor'][number]>();
  for (const p of all) {
    const f = flavors.get(p.flavor) ?? {
      flavor: p.flavor,
      os: p.os,
      pools: 0,
      busySlots: 0,
      totalSlots: 0,
      pending: 0,
    };
    f.pools++;
    f.busySlots += p.utilization.busySlots;
    f.totalSlots += p.utilization.totalSlots;
    f.pending += p.queue.pending;
    flavors.set(p.flavor, f);
  }
  return [...flavors.values()].sort((a, b) => a.flavor.localeCompare(b.flavor));
}

/** Failed and degraded pools with their reason, for the fleet view. */
export function failingPools(all: PoolHealth[]): FleetSummary['failingPools'] {
  return all
    .filter(p => p.state === 'failed' || p.state === 'degraded')
    .map(p => ({
      poolId: p.poolId,
      team: p.team,
      name: p.name,
      state: p.state,
      reason: p.stateReason,
      code: p.stateCode,
    }));
}
