import type { ScalingSchedule } from '@runner-fleet/plugin-runners-common';
import { examplePoolSpec } from '@runner-fleet/plugin-runners-common/testUtils';
import {
  DEFAULT_THRESHOLDS,
  recurringWaitRule,
} from '../../src/capacity/adviceRules';
import { PLAIN_RULE, PRODUCT, withAdvice } from './policies';
import { PolicyResult, simulatePolicy } from './simulate';
import { buildWorkload, ScalingSize, ScalingWorkload } from './week';

/** Sizes of `yarn bench:scaling` (issue #15) and of its `--smoke` run. */
export const SCALING_SIZES: Record<'full' | 'smoke', ScalingSize> = {
  // 70 jobs/min is 3 million jobs a month; the first week teaches the advice.
  full: { pools: 50, jobsPerMinute: 70, weeks: 2 },
  smoke: { pools: 4, jobsPerMinute: 4, weeks: 2 },
};

/** Issue #15's target: (b) or (c) keeps queue wait p95 ≤ 10 s with ≤ 1.3× (a)'s VM-hours. */
export const SCALING_TARGET = { waitP95S: 10, vmHoursRatio: 1.3 } as const;

/** The three policies on the same traffic, and the advice (c) applied. */
export interface ScalingBenchResult {
  size: ScalingSize;
  seed: string;
  workload: Pick<ScalingWorkload, 'averagePerMin' | 'peakPerMin'>;
  /** Pools that got an advised schedule, and the schedules. */
  advised: Map<string, ScalingSchedule[]>;
  runs: PolicyResult[];
}

/**
 * Runs (a) and (b) over every week, asks the product's recurring-wait advice rule for each pool
 * on (b)'s history of the weeks before the measured one, then runs (c) with those schedules.
 * Only the last week is measured, so (c) is judged on traffic its advice has not seen.
 */
export function runScalingBench(
  size: ScalingSize,
  seed: string,
): ScalingBenchResult {
  const workload = buildWorkload(size, seed);
  const plain = simulatePolicy(workload, PLAIN_RULE, seed, size.weeks);
  const product = simulatePolicy(workload, PRODUCT, seed, size.weeks);
  const advised = new Map<string, ScalingSchedule[]>();
  for (const pool of workload.pools) {
    const spec = examplePoolSpec();
    const draft = recurringWaitRule(
      {
        spec: {
          ...spec,
          autoscaling: {
            ...spec.autoscaling,
            minReplicas: pool.minReplicas,
            maxReplicas: pool.maxReplicas,
            burst: true,
          },
        },
        flavor: pool.flavor,
      },
      product.history.get(pool.id) ?? [],
      DEFAULT_THRESHOLDS,
    );
    const schedules = draft?.change.autoscaling?.schedules;
    if (schedules?.length) advised.set(pool.id, schedules);
  }
  const withSchedules = simulatePolicy(
    workload,
    withAdvice(advised),
    seed,
    size.weeks,
  );
  return {
    size,
    seed,
    workload: {
      averagePerMin: workload.averagePerMin,
      peakPerMin: workload.peakPerMin,
    },
    advised,
    runs: [plain.result, product.result, withSchedules.result],
  };
}

const s = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** The benchmark's table (Markdown): one row per policy, the targets judged on (b) and (c). */
export function scalingTable(result: ScalingBenchResult): string {
  const [plain] = result.runs;
  const header = [
    '| policy | queue wait p50 / p95 / p99 | waited > 1 min | VM-hours (burst) | vs (a) | cost (units) | busy slots | target |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const rows = result.runs.map((run, i) => {
    const ratio = run.vmHours / plain.vmHours;
    let target = 'reference';
    if (i > 0)
      target =
        run.waitP95S <= SCALING_TARGET.waitP95S &&
        ratio <= SCALING_TARGET.vmHoursRatio
          ? 'pass'
          : 'FAIL';
    return `| ${run.policy} | ${s(run.waitP50S)} s / ${s(run.waitP95S)} s / ${s(
      run.waitP99S,
    )} s | ${(run.overMinute * 100).toFixed(2)}% | ${run.vmHours.toFixed(
      0,
    )} (${run.burstVmHours.toFixed(0)}) | ${ratio.toFixed(
      2,
    )}× | ${run.cost.toFixed(0)} | ${(run.utilization * 100).toFixed(
      0,
    )}% | ${target} |`;
  });
  return [...header, ...rows].join('\n');
}
