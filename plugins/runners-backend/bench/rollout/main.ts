/*
 * `yarn bench:rollout` (issue #14): a seeded, in-process simulation of 200 pools / 800 runner VMs
 * at the daily peak and one fleet-wide image change, rolled out three ways side by side:
 *
 *   yarn bench:rollout            # full size, writes its section of BENCHMARKS.md
 *   yarn bench:rollout --smoke    # 10 pools, seconds; writes .data/bench-rollout-smoke.md
 *   yarn bench:rollout --seed 7   # another seeded run
 */
import { JOB_DRAIN_SECONDS } from '../../src/provisioning/render/names';
import { MAX_SURGE_SHARE } from '../../src/provisioning/rollout/planRollout';
import { simulationMain } from '../lib/simulationMain';
import { MODEL } from './fleet';
import {
  RolloutBenchResult,
  rolloutTable,
  ROLLOUT_SIZES,
  runRolloutBench,
} from './rolloutBench';

function notes(result: RolloutBenchResult): string[] {
  const [fleet, naive] = result.runs;
  return [
    `Model (bench/rollout): ${result.size.pools} pools of the standard Linux flavors (m1.large/xlarge/xxlarge, 2/4/8 job slots), sized log-normally to ${result.size.peakVms} VMs at 11:00 on a weekday (the simulator's daily profile, DEFAULT_HOURLY_WEIGHTS); jobs arrive Poisson per pool, last log-normal (median ${MODEL.jobMedianS} s, sigma ${MODEL.jobSigma}, the simulator's defaults) cut at GitLab's ${MODEL.maxJobS} s job timeout. VMs boot and register in ${MODEL.bootS} s; gitlab-runner asks for jobs every ${MODEL.checkIntervalS} s (check_interval), so a job waits 0–${MODEL.checkIntervalS} s even with free slots. KEDA every ${MODEL.kedaPollS} s: ceil((running + pending) / (${MODEL.targetUtilization} × slots)), scale-down after a ${MODEL.scaleDownWindowS} s window; the VMIRS replaces a deleted VMI at once from the current template and removes surplus VMIs in no particular order. A deleted VM takes no new job and drains; jobs still running after the grace period (${JOB_DRAIN_SECONDS} s, the product's drainTimings) are killed.`,
    `(a) calls the product's planRollout (src/provisioning/rollout) for every pool every 5 s (ROLLOUT_POLL_MS) with the record it wrote last time, and deletes exactly the VMs it names (at most ${
      MAX_SURGE_SHARE * 100
    }% of a pool booting, free slots must still cover the pending jobs); (b) deletes every old VM at the change through the same graceful path; (c) does nothing and lets KEDA scale-in remove old VMs.`,
    `"No old VM takes jobs" is when every VM that serves runs the new template; "100% of VMs" waits for the last draining old VM to finish its jobs, so with no job killed it is bounded below by the longest job still running on an old VM (jobs last up to ${
      MODEL.maxJobS / 60
    } min).`,
    `Jobs that ran on old VMs at the change and had more than 30 s left (what KubeVirt's default 30 s grace period would have cut under (b)): ${naive.longerThan30sAtChange} of the jobs then running.`,
    `Queue wait: from a job's arrival until a runner takes it, for jobs arriving in the ${result.size.waitWindowMin} min after the change (${fleet.jobsInWindow} jobs); the no-rollout reference is the same seed with no image change.`,
    `Seed '${result.seed}'; every run of the same seed and size prints the same table.`,
  ];
}

simulationMain<RolloutBenchResult>({
  name: 'rollout',
  heading: '## Rollouts (issue #14): `yarn bench:rollout`',
  intro: [
    'A deterministic, time-scaled simulation in-process (plugins/runners-backend/bench/rollout); no',
    'API server. Times are simulated minutes, so the table does not depend on the machine.',
  ],
  run: (smoke, seed) =>
    runRolloutBench(smoke ? ROLLOUT_SIZES.smoke : ROLLOUT_SIZES.full, seed),
  table: rolloutTable,
  notes,
});
