import { DEFAULT_HOURLY_WEIGHTS, Random } from '@runner-fleet/fleet-simulator';
import { DEFAULT_FLAVOR_CATALOG } from '@runner-fleet/plugin-runners-common';
import type { Flavor } from '@runner-fleet/plugin-runners-common';
import { MAX_JOB_SECONDS } from '../../src/provisioning/render/names';

/** How big the simulated fleet is and how long it runs. */
export interface RolloutSize {
  pools: number;
  /** Runner VMs the whole fleet runs at the peak (KEDA at its target utilisation). */
  peakVms: number;
  /** Simulated minutes before the change, so KEDA and the job mix settle. */
  warmupMin: number;
  /** Simulated minutes after the change before a strategy is called unfinished. */
  horizonMin: number;
  /** Queue waits are compared over jobs that arrive this many minutes after the change. */
  waitWindowMin: number;
}

/** The fleet's fixed parameters, taken from the product and the simulator where they exist. */
export const MODEL = {
  /** KubeVirt boot plus runner registration, the design's measured start-up. */
  bootS: 45,
  /** gitlab-runner's default `check_interval`: a free slot asks GitLab for a job this often. */
  checkIntervalS: 3,
  /** KEDA's default polling interval. */
  kedaPollS: 15,
  /** The pools' default target: 30% of job slots busy. */
  targetUtilization: 0.3,
  /** The rendered HPA scale-down stabilisation window (the product's default). */
  scaleDownWindowS: 300,
  /** The simulator's job length: log-normal, median 6 min. */
  jobMedianS: 360,
  jobSigma: 0.8,
  /** GitLab's default job timeout: no job runs longer (the product's drain budget is built on it). */
  maxJobS: MAX_JOB_SECONDS,
  /** The change happens on a weekday at 11:00, on the profile's plateau. */
  changeHour: 11,
} as const;

/** One pool: its flavor and the rate of jobs it gets at the peak. */
export interface SimPool {
  id: string;
  flavor: Flavor;
  slots: number;
  minReplicas: number;
  maxReplicas: number;
  /** Jobs per second at the profile's weight 1.0 (scaled by the hour's weight). */
  ratePerWeight: number;
}

/** Mean of the job length distribution after the timeout cut (numerically, once). */
export function meanJobSeconds(): number {
  const random = new Random('mean-job-length');
  let sum = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) sum += jobSeconds(random);
  return sum / n;
}

/** One job's length: the simulator's log-normal, cut at GitLab's job timeout. */
export function jobSeconds(random: Random): number {
  return Math.min(
    MODEL.maxJobS,
    Math.max(1, Math.round(random.logNormal(MODEL.jobMedianS, MODEL.jobSigma))),
  );
}

/** The profile's relative weight at a simulated second (second 0 = midnight local). */
export function hourWeight(second: number): number {
  const hour = Math.floor(second / 3600) % 24;
  return DEFAULT_HOURLY_WEIGHTS[hour];
}

/**
 * 200 pools (or as many as asked) of the standard Linux flavors, sized so that the whole fleet
 * runs about `peakVms` VMs at the peak: pool sizes vary log-normally (many small pools, a few big
 * ones), as team pools do. `rateScale` corrects for what KEDA adds on top of the mean (rounding
 * up per pool, the queue term, the scale-down window); see `calibrate`.
 */
export function buildPools(
  size: RolloutSize,
  random: Random,
  rateScale = 1,
): SimPool[] {
  const flavors = DEFAULT_FLAVOR_CATALOG.flavors.filter(f => f.os === 'linux');
  const peakWeight = hourWeight(MODEL.changeHour * 3600);
  const meanS = meanJobSeconds();
  const shares = Array.from({ length: size.pools }, () =>
    random.logNormal(1, 0.7),
  );
  const total = shares.reduce((a, b) => a + b, 0);
  return shares.map((share, i) => {
    const flavor = flavors[i % flavors.length];
    const slots = flavor.jobSlots;
    const vms = Math.max(1, (size.peakVms * share) / total);
    // KEDA keeps busy = target × slots × VMs; busy = arrival rate × mean job length.
    const busy = vms * slots * MODEL.targetUtilization;
    return {
      id: `pool-${String(i).padStart(3, '0')}`,
      flavor,
      slots,
      minReplicas: 1,
      maxReplicas: Math.max(4, Math.ceil(vms * 3)),
      ratePerWeight: (rateScale * busy) / meanS / peakWeight,
    };
  });
}
