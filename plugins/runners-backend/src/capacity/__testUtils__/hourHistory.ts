import { Flavor } from '@runner-fleet/plugin-runners-common';
import { HourRollup, MinuteSample } from '../../database/HistoryStore';

const HOUR = 3_600_000;

/** How one pool-hour looked: VMs, slots busy on average and at peak, jobs, waits. */
export interface HourShape {
  vms: number;
  /** Share of slots busy on average, 0–1. */
  utilization: number;
  busySlotsMax: number;
  pendingMax: number;
  jobsStarted: number;
  /** Queue wait p95 of the hour, seconds. */
  waitP95: number;
}

/** A normal working hour: 2 VMs, 40% busy, ten jobs that barely wait. */
export const NORMAL_HOUR: HourShape = {
  vms: 2,
  utilization: 0.4,
  busySlotsMax: 3,
  pendingMax: 0,
  jobsStarted: 10,
  waitP95: 5,
};

/** Monday 2026-11-16 00:00 UTC. */
export const A_MONDAY = Date.UTC(2026, 10, 16);

/** `days` of hourly rollups from `start`, each shaped by `shape(hourStart)`. */
export function hourHistory(options: {
  poolId: string;
  team?: string;
  poolName?: string;
  flavor: Flavor;
  start: number;
  days: number;
  shape: (hour: number) => HourShape;
}): HourRollup[] {
  const { flavor } = options;
  return Array.from({ length: options.days * 24 }, (_, i) => {
    const hour = options.start + i * HOUR;
    const s = options.shape(hour);
    const total = s.vms * flavor.jobSlots * 3600;
    return {
      poolId: options.poolId,
      hour,
      team: options.team ?? 'payments',
      poolName: options.poolName ?? 'builds',
      flavor: flavor.name,
      os: flavor.os,
      vcpuPerVm: flavor.cpu,
      memoryGiBPerVm: flavor.memoryGiB,
      minutes: 60,
      vmsMax: s.vms,
      busySlotsMax: s.busySlotsMax,
      pendingMax: s.pendingMax,
      jobsStarted: s.jobsStarted,
      waitSecondsSum: s.waitP95 * s.jobsStarted * 0.5,
      waitSecondsMax: s.waitP95,
      waitHistogram: [],
      waitP95: s.jobsStarted > 0 ? s.waitP95 : undefined,
      vmSeconds: s.vms * 3600,
      burstVmSeconds: 0,
      vcpuSeconds: s.vms * 3600 * flavor.cpu,
      gibSeconds: s.vms * 3600 * flavor.memoryGiB,
      weightedVmSeconds: s.vms * 3600 * flavor.costWeight,
      busySlotSeconds: total * s.utilization,
      totalSlotSeconds: total,
      jobsFinished: s.jobsStarted,
      jobSeconds: s.jobsStarted * 300,
      jobsInterrupted: 0,
    };
  });
}

/**
 * The same history as minute samples for the store: one sample in the middle of each hour
 * carrying the hour's figures, so the store's rollup yields the same peaks, waits and shares.
 */
export function asMinuteSamples(
  hours: HourRollup[],
  flavor: Flavor,
): MinuteSample[] {
  return hours.map(h => {
    const waits = h.jobsStarted;
    // All waits in the bin of the p95 (the store derives p95 from the histogram).
    const bins = [5, 10, 30, 60, 120, 300, 600, 1800];
    const histogram = new Array<number>(bins.length + 1).fill(0);
    const bin = bins.findIndex(b => (h.waitP95 ?? 0) <= b);
    if (waits > 0) histogram[bin === -1 ? bins.length : bin] = waits;
    return {
      poolId: h.poolId,
      at: h.hour + 30 * 60_000,
      team: h.team,
      poolName: h.poolName,
      flavor,
      vms: h.vmsMax,
      burstVms: 0,
      busySlots: h.busySlotsMax,
      // One sample stands for the hour: its slot share is the hour's average.
      totalSlots: Math.round(
        h.busySlotsMax / Math.max(h.busySlotSeconds / h.totalSlotSeconds, 1e-9),
      ),
      pending: h.pendingMax,
      jobs: {
        finished: h.jobsFinished,
        jobSeconds: h.jobSeconds,
        interrupted: h.jobsInterrupted,
        started: waits,
        waitSecondsSum: h.waitSecondsSum,
        waitSecondsMax: h.waitSecondsMax,
        waitHistogram: histogram,
        waitP95: h.waitP95,
      },
    };
  });
}
