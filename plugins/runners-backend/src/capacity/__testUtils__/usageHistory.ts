import { Flavor } from '@runner-fleet/plugin-runners-common';
import { CiJob } from '@runner-fleet/plugin-runners-node';
import { PoolRecord } from '../../database/PoolStore';
import { jobFigures } from '../../fleet/FleetHistory';
import {
  HistoryStore,
  JobFigures,
  MinuteSample,
} from '../../database/HistoryStore';

const MINUTE = 60_000;

/** A deterministic PRNG (mulberry32), so a history is the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One VM's life, epoch ms (end exclusive). */
export interface VmLife {
  start: number;
  end: number;
  burst: boolean;
}

/** A pool's real usage: the VMs it ran and the jobs it ran, with times to the millisecond. */
export interface PoolUsage {
  pool: Pick<PoolRecord, 'id' | 'team' | 'name' | 'flavor'>;
  vms: VmLife[];
  jobs: CiJob[];
}

const alive = (vms: VmLife[], t: number, burst: boolean) =>
  vms.filter(v => v.burst === burst && v.start <= t && t < v.end).length;

/** What GitLab's newest 100 jobs of the runner say at `now` (the CI poller's `recent`). */
function recentAt(jobs: CiJob[], now: number): CiJob[] {
  return jobs
    .filter(j => Date.parse(j.createdAt) <= now)
    .slice(-100)
    .map(j => {
      const started = Date.parse(j.startedAt!) <= now;
      return {
        ...j,
        startedAt: started ? j.startedAt : undefined,
        queuedDurationSeconds: started ? j.queuedDurationSeconds : undefined,
        finishedAt: Date.parse(j.finishedAt!) <= now ? j.finishedAt : undefined,
      };
    });
}

/**
 * Writes `usage` into the history as the sampling task does ({@link FleetHistory.record}): one
 * sample per pool and minute taken `offsetMs` into the minute, with the job figures a CI poll
 * knew then, and the next minute's correction of those figures (jobs that finished after the
 * sample). In two bulk writes, so a week replays in seconds.
 */
export async function replayUsage(options: {
  store: HistoryStore;
  usage: PoolUsage[];
  fromMs: number;
  toMs: number;
  offsetMs?: number;
  slotsPerVm?: number;
}): Promise<void> {
  const offset = options.offsetMs ?? 20_000;
  const slots = options.slotsPerVm ?? 2;
  const samples: MinuteSample[] = [];
  const settled: Array<{ poolId: string; at: number; jobs: JobFigures }> = [];
  for (let minute = options.fromMs; minute < options.toMs; minute += MINUTE) {
    const now = minute + offset;
    for (const { pool, vms, jobs } of options.usage) {
      const primary = alive(vms, now, false);
      const burst = alive(vms, now, true);
      const running = jobs.filter(
        j => Date.parse(j.startedAt!) <= now && now < Date.parse(j.finishedAt!),
      ).length;
      samples.push({
        poolId: pool.id,
        at: now,
        team: pool.team,
        poolName: pool.name,
        flavor: pool.flavor,
        vms: primary,
        burstVms: burst,
        busySlots: Math.min(running, (primary + burst) * slots),
        totalSlots: (primary + burst) * slots,
        pending: jobs.filter(
          j => Date.parse(j.createdAt) <= now && Date.parse(j.startedAt!) > now,
        ).length,
        jobs: jobFigures(recentAt(jobs, now), minute),
      });
      // The next sample corrects this minute with what the poll then knows.
      settled.push({
        poolId: pool.id,
        at: minute,
        jobs: jobFigures(recentAt(jobs, now + MINUTE), minute),
      });
    }
  }
  await options.store.writeMinutes(samples);
  await options.store.updateJobs(settled);
}

/** Real usage in [fromMs, toMs): the integral of VMs over time and the jobs that finished. */
export function groundTruth(
  usage: PoolUsage,
  fromMs: number,
  toMs: number,
): {
  vcpuHours: number;
  burstVcpuHours: number;
  gibHours: number;
  burstGibHours: number;
  jobMinutes: number;
} {
  const flavor: Flavor = usage.pool.flavor;
  const hoursOf = (burst: boolean) =>
    usage.vms
      .filter(v => v.burst === burst)
      .reduce(
        (acc, v) =>
          acc + Math.max(0, Math.min(v.end, toMs) - Math.max(v.start, fromMs)),
        0,
      ) / 3_600_000;
  const primary = hoursOf(false);
  const burst = hoursOf(true);
  return {
    vcpuHours: primary * flavor.cpu,
    burstVcpuHours: burst * flavor.cpu,
    gibHours: primary * flavor.memoryGiB,
    burstGibHours: burst * flavor.memoryGiB,
    jobMinutes:
      usage.jobs
        .filter(j => {
          const end = Date.parse(j.finishedAt!);
          return end >= fromMs && end < toMs;
        })
        .reduce(
          (acc, j) =>
            acc + (Date.parse(j.finishedAt!) - Date.parse(j.startedAt!)),
          0,
        ) / 60_000,
  };
}

/**
 * A pool's random but reproducible usage: VMs that start and stop at any second (some on the
 * burst cluster when `burstShare` > 0) and jobs of 1–20 minutes that wait 0–90 s.
 */
export function randomUsage(options: {
  pool: PoolUsage['pool'];
  fromMs: number;
  toMs: number;
  seed: number;
  vmsPerHour: number;
  jobsPerHour: number;
  burstShare?: number;
}): PoolUsage {
  const rnd = seeded(options.seed);
  const span = options.toMs - options.fromMs;
  const hours = span / 3_600_000;
  const at = () => options.fromMs + Math.floor(rnd() * span);
  const vms: VmLife[] = Array.from(
    { length: Math.round(options.vmsPerHour * hours) },
    () => {
      const start = at() - 30 * MINUTE;
      return {
        start,
        end: start + 5 * MINUTE + Math.floor(rnd() * 90 * MINUTE),
        burst: rnd() < (options.burstShare ?? 0),
      };
    },
  );
  const arrivals = Array.from(
    { length: Math.round(options.jobsPerHour * hours) },
    () => at() - 20 * MINUTE,
  ).sort((a, b) => a - b);
  let id = options.seed * 100_000;
  const jobs: CiJob[] = arrivals.map(created => {
    const started = created + Math.floor(rnd() * 90_000);
    const finished = started + MINUTE + Math.floor(rnd() * 19 * MINUTE);
    return {
      id: id++,
      status: 'success',
      tags: [],
      createdAt: new Date(created).toISOString(),
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      queuedDurationSeconds: (started - created) / 1000,
    };
  });
  return { pool: options.pool, vms, jobs };
}
