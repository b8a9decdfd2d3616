import { DEFAULT_HOURLY_WEIGHTS, Random } from '@runner-fleet/fleet-simulator';
import { DEFAULT_FLAVOR_CATALOG } from '@runner-fleet/plugin-runners-common';
import type { Flavor } from '@runner-fleet/plugin-runners-common';
import { MAX_JOB_SECONDS } from '../../src/provisioning/render/names';

/** How big `yarn bench:scaling` runs. */
export interface ScalingSize {
  pools: number;
  /** Average job arrivals per minute over the whole week, the whole fleet. */
  jobsPerMinute: number;
  /** Weeks simulated: all but the last teach the advice; the last one is measured. */
  weeks: number;
}

/** Monday 2026-11-02 00:00 UTC: the first simulated second (advice reads weekdays from it). */
export const WEEK_START_MS = Date.UTC(2026, 10, 2);
export const WEEK_S = 7 * 24 * 3600;

/** The fleet's fixed parameters (the design's measured boot, the product's defaults). */
export const SCALING_MODEL = {
  /** KubeVirt boot plus runner registration. */
  bootS: 45,
  /** gitlab-runner's default `check_interval`. */
  checkIntervalS: 3,
  /** The CI poller's round: the scaling signal is as old as the last round. */
  pollS: 15,
  /** The HPA's sync period (`--horizontal-pod-autoscaler-sync-period`), KEDA's polling interval. */
  hpaSyncS: 15,
  /** Weekend days carry this share of a weekday's traffic. */
  weekendFactor: 0.25,
  /** Share of jobs that come in the recurring rushes and random bursts (the rest is Poisson). */
  burstShare: 0.25,
} as const;

/** One pool of the simulated fleet. */
export interface ScalingPool {
  id: string;
  flavor: Flavor;
  /** Hours the team's day is shifted from UTC (teams in other time zones). */
  shiftH: number;
  /** Weekday hour (UTC) of the team's recurring rush, if it has one (merge trains, nightlies). */
  rushHour?: number;
  minReplicas: number;
  maxReplicas: number;
}

/** A pool's jobs for the whole run, sorted by arrival (seconds from {@link WEEK_START_MS}). */
export interface PoolJobs {
  arrivals: Float64Array;
  durations: Float64Array;
}

/** The generated traffic: identical for every policy of a run. */
export interface ScalingWorkload {
  pools: ScalingPool[];
  jobs: PoolJobs[];
  /** Jobs per minute: the measured week's average and its busiest minute (whole fleet). */
  averagePerMin: number;
  peakPerMin: number;
}

/** A job's length: most are short checks, a third are builds, a tenth long test suites. */
function jobSeconds(random: Random): number {
  const u = random.next();
  let s: number;
  if (u < 0.55) s = random.logNormal(90, 0.6);
  else if (u < 0.9) s = random.logNormal(420, 0.6);
  else s = random.logNormal(1500, 0.5);
  return Math.min(MAX_JOB_SECONDS, Math.max(5, Math.round(s)));
}

/** Jobs of one pipeline that start together (a stage's parallel jobs): 1 + geometric, mean 3. */
function pipelineJobs(random: Random): number {
  let n = 1;
  while (random.next() < 2 / 3) n++;
  return n;
}

/** The traffic weight of a second for a pool (weekday profile shifted, weekend damped). */
function weightAt(pool: ScalingPool, second: number): number {
  const local = second + pool.shiftH * 3600;
  const day = Math.floor(local / 86_400);
  const hour = Math.floor(local / 3600) % 24;
  // Day 0 is a Monday; days 5 and 6 of each week are the weekend.
  const weekend = ((day % 7) + 7) % 7 >= 5;
  const w = DEFAULT_HOURLY_WEIGHTS[(hour + 24) % 24];
  return weekend ? w * SCALING_MODEL.weekendFactor : w;
}

/**
 * A seeded fleet and its weeks of traffic: pools of the standard Linux flavors with log-normal
 * shares of the load (many small teams, a few big ones), in a few time zones; Poisson pipelines
 * following the simulator's daily profile (DEFAULT_HOURLY_WEIGHTS) with quiet weekends; on
 * weekdays, a recurring rush at the team's hour for 40% of the pools, and random bursts
 * (a big merge, a re-run of a matrix) for all.
 */
export function buildWorkload(
  size: ScalingSize,
  seed: string,
): ScalingWorkload {
  const root = new Random(seed);
  const shape = root.fork('pools');
  const flavors = DEFAULT_FLAVOR_CATALOG.flavors.filter(f => f.os === 'linux');
  const shares = Array.from({ length: size.pools }, () =>
    shape.logNormal(1, 0.8),
  );
  const shareSum = shares.reduce((a, b) => a + b, 0);
  const shifts = [0, 0, 0, 1, -1, 2, -5];
  const seconds = size.weeks * WEEK_S;
  const totalJobs = size.jobsPerMinute * (seconds / 60);
  const meanPipeline = 3;
  const pools: ScalingPool[] = [];
  const jobs: PoolJobs[] = [];
  for (let p = 0; p < size.pools; p++) {
    const random = root.fork(`traffic/${p}`);
    const flavor = flavors[p % flavors.length];
    const pool: ScalingPool = {
      id: `pool-${String(p).padStart(2, '0')}`,
      flavor,
      shiftH: shifts[shape.int(shifts.length)],
      rushHour: shape.next() < 0.4 ? 7 + shape.int(4) : undefined,
      minReplicas: 1,
      maxReplicas: 0,
    };
    const poolJobs = (totalJobs * shares[p]) / shareSum;
    const burstJobs = poolJobs * SCALING_MODEL.burstShare;
    const out: Array<[number, number]> = [];
    const pipeline = (at: number, n: number) => {
      for (let j = 0; j < n; j++) out.push([at, jobSeconds(random)]);
    };
    // Bursts: weekday rushes (pool with a rush hour: 2/3 of its burst jobs) and random ones.
    const weekdays = size.weeks * 5;
    const rushJobs = pool.rushHour === undefined ? 0 : (burstJobs * 2) / 3;
    const randomJobs = burstJobs - rushJobs;
    for (let day = 0; day < size.weeks * 7; day++) {
      if (day % 7 < 5 && pool.rushHour !== undefined) {
        let left = random.poisson(rushJobs / weekdays);
        while (left > 0) {
          // A rush: fan-outs of 5–25 jobs within its hour.
          const n = Math.min(left, 5 + random.int(21));
          left -= n;
          pipeline(day * 86_400 + pool.rushHour * 3600 + random.int(3600), n);
        }
      }
    }
    let left = random.poisson(randomJobs);
    while (left > 0) {
      const n = Math.min(left, 10 + random.int(31));
      left -= n;
      // Random bursts land where people work: draw the time from the traffic profile.
      let at = 0;
      for (let tries = 0; tries < 100; tries++) {
        at = random.int(seconds);
        if (random.next() * 4.4 < weightAt(pool, at)) break;
      }
      pipeline(at, n);
    }
    // The Poisson base: pipelines per hour follow the profile.
    let weightSum = 0;
    for (let h = 0; h < seconds / 3600; h++)
      weightSum += weightAt(pool, h * 3600);
    const perWeight = (poolJobs - burstJobs) / meanPipeline / weightSum;
    for (let h = 0; h < seconds / 3600; h++) {
      const n = random.poisson(perWeight * weightAt(pool, h * 3600));
      for (let i = 0; i < n; i++)
        pipeline(h * 3600 + random.next() * 3600, pipelineJobs(random));
    }
    out.sort((a, b) => a[0] - b[0]);
    jobs.push({
      arrivals: Float64Array.from(out, j => j[0]),
      durations: Float64Array.from(out, j => j[1]),
    });
    // The team sized its pool for its busiest hour at the target, with headroom (3×, at least 4).
    const peakRate = perWeight * 4.4 * meanPipeline;
    const meanS = 400;
    const busyAtPeak = (peakRate / 3600) * meanS;
    pool.maxReplicas = Math.max(
      4,
      Math.ceil((busyAtPeak / (flavor.jobSlots * 0.3)) * 1.5),
    );
    pools.push(pool);
  }
  // The measured week's load, for the table.
  const from = (size.weeks - 1) * WEEK_S;
  const perMinute = new Uint32Array(WEEK_S / 60);
  let count = 0;
  for (const j of jobs)
    for (const at of j.arrivals)
      if (at >= from) {
        perMinute[Math.floor((at - from) / 60)]++;
        count++;
      }
  return {
    pools,
    jobs,
    averagePerMin: count / (WEEK_S / 60),
    peakPerMin: perMinute.reduce((a, b) => Math.max(a, b), 0),
  };
}
