import { RolloutSize } from './fleet';
import { RunResult, simulate } from './simulate';
import {
  deleteAllStrategy,
  naturalScaleInStrategy,
  runnerFleetStrategy,
} from './strategies';

/** Sizes of `yarn bench:rollout` (issue #14) and of its `--smoke` run. */
export const ROLLOUT_SIZES: Record<'full' | 'smoke', RolloutSize> = {
  full: {
    pools: 200,
    peakVms: 800,
    warmupMin: 60,
    horizonMin: 240,
    waitWindowMin: 30,
  },
  smoke: {
    pools: 10,
    peakVms: 40,
    warmupMin: 20,
    horizonMin: 90,
    waitWindowMin: 15,
  },
};

/** Issue #14's targets for Runner Fleet's rollout. */
export const TARGET = { minutes: 15, killed: 0, waitRatio: 1.2 } as const;

/** The three strategies and the no-rollout reference, all on the same seeded traffic. */
export interface RolloutBenchResult {
  size: RolloutSize;
  seed: string;
  /** Job arrival scale that makes the fleet run `size.peakVms` VMs at the change. */
  rateScale: number;
  reference: RunResult;
  runs: RunResult[];
}

/**
 * Scales job arrivals until the no-rollout fleet runs about `size.peakVms` VMs at the change:
 * KEDA rounds up per pool and holds the highest recommendation of its window, so arrivals
 * sized for the mean alone give more VMs than asked for. A few deterministic reference runs.
 */
export function calibrate(size: RolloutSize, seed: string): number {
  let scale = 1;
  for (let i = 0; i < 4; i++) {
    const vms = simulate(size, seed, undefined, scale).vmsAtChange;
    scale *= size.peakVms / vms;
  }
  return scale;
}

/** Runs the reference and the three strategies; each run is deterministic for its seed. */
export function runRolloutBench(
  size: RolloutSize,
  seed: string,
): RolloutBenchResult {
  const rateScale = calibrate(size, seed);
  return {
    size,
    seed,
    rateScale,
    reference: simulate(size, seed, undefined, rateScale),
    runs: [
      simulate(size, seed, runnerFleetStrategy(), rateScale),
      simulate(size, seed, deleteAllStrategy(), rateScale),
      simulate(size, seed, naturalScaleInStrategy(), rateScale),
    ],
  };
}

const min = (v: number | undefined, r: RunResult, horizon: number) =>
  v === undefined
    ? `> ${horizon} (${(r.oldAtEnd * 100).toFixed(1)}% of VMs old)`
    : v.toFixed(1);
const sec = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} s` : 'n/a');

/** Whether a run meets issue #14's targets, part by part. */
export function verdict(
  run: RunResult,
  reference: RunResult,
): { time: boolean; killed: boolean; wait: boolean } {
  return {
    time: run.allNewMin !== undefined && run.allNewMin < TARGET.minutes,
    killed: run.jobsKilled <= TARGET.killed,
    wait: run.waitP95S <= reference.waitP95S * TARGET.waitRatio,
  };
}

/** The results as a Markdown table: one row per strategy. */
export function rolloutTable(result: RolloutBenchResult): string {
  const { reference, size } = result;
  const header = [
    'strategy',
    'min until no old VM takes jobs',
    'min until 100% of VMs run the new template',
    'jobs killed',
    `queue wait p95 / p99 / max (jobs arriving ${size.waitWindowMin} min after the change)`,
    `no-rollout p95 (1.2× target)`,
    'peak VMs',
    'target (< 15 min, 0 killed, p95 ≤ 1.2×)',
  ];
  const check = (ok: boolean) => (ok ? 'pass' : 'FAIL');
  const lines = result.runs.map(r => {
    const v = verdict(r, reference);
    return [
      r.strategy,
      min(r.servingNewMin, r, size.horizonMin),
      min(r.allNewMin, r, size.horizonMin),
      String(r.jobsKilled),
      `${sec(r.waitP95S)} / ${sec(r.waitP99S)} / ${sec(r.waitMaxS)}`,
      `${sec(reference.waitP95S)} (≤ ${sec(
        reference.waitP95S * TARGET.waitRatio,
      )})`,
      `${r.peakVms} (${r.vmsAtChange} at change)`,
      `time ${check(v.time)}, killed ${check(v.killed)}, wait ${check(v.wait)}`,
    ];
  });
  const widths = header.map((h, i) =>
    Math.max(h.length, ...lines.map(l => l[i].length)),
  );
  const fmt = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    fmt(header),
    `| ${widths.map(w => '-'.repeat(w)).join(' | ')} |`,
    ...lines.map(fmt),
  ].join('\n');
}
