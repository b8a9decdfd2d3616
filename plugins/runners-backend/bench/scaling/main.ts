/*
 * `yarn bench:scaling` (issue #15): a seeded, in-process simulation of two weeks of CI traffic
 * (~70 jobs/min, daily and weekly seasonality, rushes and bursts) on 50 pools, played through
 * the fleet simulator's KEDA activation and HPA model under three scaling policies:
 *
 *   yarn bench:scaling            # full size, writes its section of BENCHMARKS.md
 *   yarn bench:scaling --smoke    # 4 pools; writes .data/bench-scaling-smoke.md
 *   yarn bench:scaling --seed 7   # another seeded run
 */
import { DEFAULT_THRESHOLDS } from '../../src/capacity/adviceRules';
import { simulationMain } from '../lib/simulationMain';
import {
  runScalingBench,
  SCALING_SIZES,
  SCALING_TARGET,
  ScalingBenchResult,
  scalingTable,
} from './scalingBench';
import { SCALING_MODEL } from './week';

function notes(result: ScalingBenchResult): string[] {
  const M = SCALING_MODEL;
  const examples = [...result.advised.entries()]
    .slice(0, 3)
    .map(
      ([pool, schedules]) =>
        `${pool}: ${schedules
          .map(
            s =>
              `${s.minReplicas} VMs ${s.days} ${s.startHour}:00–${s.endHour}:00`,
          )
          .join(', ')}`,
    );
  return [
    `Traffic (bench/scaling/week.ts): ${
      result.size.pools
    } pools of the standard Linux flavors with log-normal shares of the load, in a few time zones; ${
      result.size.weeks
    } weeks starting on a Monday. Jobs come as pipelines (1 + geometric jobs, mean 3) following the simulator's daily profile (DEFAULT_HOURLY_WEIGHTS), weekends at ${
      M.weekendFactor * 100
    }%; ${
      M.burstShare * 100
    }% of the jobs come in bursts: a weekday rush at the team's hour (merge trains, nightlies) for 40% of the pools, and random fan-outs of 10–40 jobs. Job lengths: 55% checks (median 90 s), 35% builds (7 min), 10% test suites (25 min), cut at GitLab's job timeout. Measured week: ${result.workload.averagePerMin.toFixed(
      1,
    )} jobs/min on average (3 million a month is 69/min), ${
      result.workload.peakPerMin
    } in the busiest minute. Each team sized maxReplicas for 1.5× its busiest hour at the 30% target.`,
    `Model (bench/scaling/simulate.ts): VMs boot and register in ${M.bootS} s; gitlab-runner asks for jobs every ${M.checkIntervalS} s; the scaling signal is the CI poller's snapshot of the last ${M.pollS} s round; every ${M.hpaSyncS} s KEDA serves each trigger (metrics-api from that snapshot, cron from the clock), activates to and from zero (decideActivation) and the HPA sets replicas (computeHpa: the fleet simulator's port of the Kubernetes replica calculator, with the ScaledObject's behaviour). The VMIRS deletes surplus VMs at random; a deleted VM takes no new job and drains its running ones.`,
    `(a) one metrics-api trigger on busy job slots with AverageValue 0.3 × job slots and the HPA's default behaviour, no burst. (b) and (c) play the ScaledObjects the product renders (renderPool, primary and burst cluster): busy and pending triggers, the rendered HPA behaviour, the burst cluster's overflow triggers; (c) adds the KEDA cron triggers of the product's recurring-wait advice (recurringWaitRule with its shipped thresholds: p95 over ${DEFAULT_THRESHOLDS.queueWaitP95Seconds} s on at least ${DEFAULT_THRESHOLDS.minRecurringDays} weekdays), computed from (b)'s first week. Only the last week is measured, so the advice is judged on traffic it has not seen.`,
    `Advice: ${result.advised.size} of ${
      result.size.pools
    } pools got a schedule${
      examples.length ? `, e.g. ${examples.join('; ')}` : ''
    }.`,
    `Target (issue #15): (b) or (c) with queue wait p95 ≤ ${SCALING_TARGET.waitP95S} s and VM-hours ≤ ${SCALING_TARGET.vmHoursRatio}× (a). Cost is VM-hours × the flavor's cost weight (the portal's default unit; burst VMs priced the same here). Seed '${result.seed}': every run of the same seed and size prints the same table.`,
  ];
}

simulationMain<ScalingBenchResult>({
  name: 'scaling',
  heading: '## Scaling policy (issue #15): `yarn bench:scaling`',
  intro: [
    'A deterministic simulation in-process (plugins/runners-backend/bench/scaling); no API server.',
    'Waits and VM-hours are simulated, so the table does not depend on the machine.',
  ],
  run: (smoke, seed) =>
    runScalingBench(smoke ? SCALING_SIZES.smoke : SCALING_SIZES.full, seed),
  table: scalingTable,
  notes,
});
