import { Random } from '@runner-fleet/fleet-simulator';
import { JOB_DRAIN_SECONDS } from '../../src/provisioning/render/names';
import { percentile } from '../lib/stats';
import {
  buildPools,
  hourWeight,
  jobSeconds,
  meanJobSeconds,
  MODEL,
  RolloutSize,
  SimPool,
} from './fleet';

/** A job in GitLab's queue or on a VM. Times are simulated seconds. */
export interface SimJob {
  arrivedAt: number;
  durationS: number;
  endsAt?: number;
}

/** A runner VM (a VMI) as the simulator plays it. */
export interface SimVm {
  key: string;
  hash: string;
  /** From this second the VM is Running, Ready and registered: it takes jobs. */
  servingAt: number;
  /** Set when the VM is deleted: its guest drains, it takes no new job. */
  deletingAt?: number;
  jobs: SimJob[];
  /** Which second of gitlab-runner's check interval this VM asks GitLab for jobs. */
  pollPhase: number;
}

/** A pool's live state: its VMIRS (template hash, replicas from KEDA), VMs and queue. */
export interface PoolState {
  pool: SimPool;
  targetHash: string;
  replicas: number;
  vms: SimVm[];
  queue: SimJob[];
  /** KEDA/HPA desired replicas of the last scale-down window. */
  recommendations: Array<{ at: number; desired: number }>;
}

/** What a strategy sees and may do: it retires VMs, as the product does, by deleting them. */
export interface SimControl {
  now: number;
  pools: PoolState[];
  /** Deletes a VM: the guest drains within the grace period; the VMIRS replaces it. */
  retire(state: PoolState, vm: SimVm): void;
}

/** A rollout strategy: told once about the change, then asked to act every `everyS`. */
export interface Strategy {
  name: string;
  everyS: number;
  step(control: SimControl): void;
}

/** What one run measured. */
export interface RunResult {
  strategy: string;
  /** Simulated minutes from the change until no VM that takes jobs runs the old template. */
  servingNewMin?: number;
  /** Simulated minutes until the last old VM is gone (its drain finished). */
  allNewMin?: number;
  /** Old-template share of VMs at the end, when a run did not finish. */
  oldAtEnd: number;
  jobsKilled: number;
  /** Queue waits (s) of jobs that arrived in the comparison window after the change. */
  waitP95S: number;
  waitP99S: number;
  waitMaxS: number;
  jobsInWindow: number;
  /** Most VMs alive at once (old + new, including draining ones). */
  peakVms: number;
  vmsAtChange: number;
  /** Jobs running on old VMs at the change that would outlive a 30 s grace period. */
  longerThan30sAtChange: number;
}

/** Runs the fleet from warm-up through the change; `strategy` undefined: no change at all. */
export function simulate(
  size: RolloutSize,
  seed: string,
  strategy: Strategy | undefined,
  rateScale = 1,
): RunResult {
  const root = new Random(seed);
  const pools = buildPools(size, root.fork('pools'), rateScale);
  const graceS = JOB_DRAIN_SECONDS;
  const t0 = MODEL.changeHour * 3600;
  const start = t0 - size.warmupMin * 60;
  const windowEnd = t0 + size.waitWindowMin * 60;
  const horizon = t0 + size.horizonMin * 60;
  // Per pool streams: arrivals and job lengths are the same in every run of this seed, so
  // the strategies are compared on identical traffic; VMIRS scale-in picks have their own.
  const arrivals = pools.map(p => root.fork(`arrivals/${p.id}`));
  const picks = pools.map(p => root.fork(`scale-in/${p.id}`));
  const meanS = meanJobSeconds();
  let vmCounter = 0;
  const newVm = (state: PoolState, now: number, bootNow: boolean): SimVm => {
    const n = vmCounter++;
    return {
      key: `${state.pool.id}/vmi-${n}`,
      hash: state.targetHash,
      servingAt: bootNow ? now : now + MODEL.bootS,
      jobs: [],
      pollPhase: n % MODEL.checkIntervalS,
    };
  };
  const states: PoolState[] = pools.map(pool => {
    const state: PoolState = {
      pool,
      targetHash: 'old',
      replicas: 0,
      vms: [],
      queue: [],
      recommendations: [],
    };
    const expected =
      (pool.ratePerWeight * hourWeight(start) * meanS) /
      (pool.slots * MODEL.targetUtilization);
    state.replicas = Math.min(
      pool.maxReplicas,
      Math.max(pool.minReplicas, Math.ceil(expected)),
    );
    for (let i = 0; i < state.replicas; i++)
      state.vms.push(newVm(state, start, true));
    return state;
  });

  let killed = 0;
  const waits: number[] = [];
  let peakVms = 0;
  let vmsAtChange = 0;
  let longerThan30s = 0;
  let servingNewAt: number | undefined;
  let allNewAt: number | undefined;
  const control: SimControl = {
    now: start,
    pools: states,
    retire(_state, vm) {
      if (vm.deletingAt === undefined) vm.deletingAt = control.now;
    },
  };
  const noteWait = (job: SimJob, now: number) => {
    if (job.arrivedAt >= t0 - 1 && job.arrivedAt < windowEnd - 1)
      waits.push(now - job.arrivedAt);
  };

  let now = start;
  for (; now < horizon; now++) {
    const at = now;
    control.now = at;
    if (at === t0) {
      for (const s of states) {
        // The no-rollout run keeps the old template: it is the queue-wait reference.
        if (strategy) s.targetHash = 'new';
        for (const vm of s.vms)
          for (const job of vm.jobs)
            if ((job.endsAt ?? 0) - at > 30) longerThan30s++;
        vmsAtChange += s.vms.length;
      }
    }
    if (strategy && at >= t0 && (at - t0) % strategy.everyS === 0)
      strategy.step(control);

    let total = 0;
    let oldServing = 0;
    let oldAny = 0;
    for (let p = 0; p < states.length; p++) {
      const s = states[p];
      const rate = s.pool.ratePerWeight * hourWeight(at);
      const arriving = arrivals[p].poisson(rate);
      // Each job arrived some time during the last second (waits are not rounded to seconds).
      for (let i = 0; i < arriving; i++)
        s.queue.push({
          arrivedAt: at - arrivals[p].next(),
          durationS: jobSeconds(arrivals[p]),
        });

      // Jobs end; drained VMs go; the grace period cuts what is left.
      const kept: SimVm[] = [];
      for (const vm of s.vms) {
        vm.jobs = vm.jobs.filter(j => (j.endsAt ?? 0) > at);
        if (vm.deletingAt === undefined) kept.push(vm);
        else if (at - vm.deletingAt >= graceS) killed += vm.jobs.length;
        else if (vm.jobs.length > 0) kept.push(vm);
      }
      s.vms = kept;

      // KEDA: utilisation of job slots plus the queue, scale-up at once, scale-down after the
      // stabilisation window (the highest recommendation of the window wins).
      if ((at - start) % MODEL.kedaPollS === 0) {
        const active = s.vms.filter(vm => vm.deletingAt === undefined);
        const busy = active.reduce((sum, vm) => sum + vm.jobs.length, 0);
        const desired = Math.min(
          s.pool.maxReplicas,
          Math.max(
            s.pool.minReplicas,
            Math.ceil(
              (busy + s.queue.length) /
                (s.pool.slots * MODEL.targetUtilization),
            ),
          ),
        );
        s.recommendations.push({ at: at, desired });
        s.recommendations = s.recommendations.filter(
          r => r.at > at - MODEL.scaleDownWindowS,
        );
        s.replicas = Math.max(...s.recommendations.map(r => r.desired));
      }

      // The VMIRS: terminating VMIs do not count; missing ones start from the current template,
      // surplus ones are deleted in the informer's order (no preference for idle or old VMs).
      const active = s.vms.filter(vm => vm.deletingAt === undefined);
      for (let i = active.length; i < s.replicas; i++)
        s.vms.push(newVm(s, at, false));
      for (let i = active.length; i > s.replicas; i--) {
        const alive = s.vms.filter(vm => vm.deletingAt === undefined);
        alive[picks[p].int(alive.length)].deletingAt = at;
      }

      // gitlab-runner: every check interval a VM with a free slot takes the oldest pending jobs.
      for (const vm of s.vms) {
        if (s.queue.length === 0) break;
        if (vm.deletingAt !== undefined || vm.servingAt > at) continue;
        if ((at + vm.pollPhase) % MODEL.checkIntervalS !== 0) continue;
        while (vm.jobs.length < s.pool.slots && s.queue.length > 0) {
          const job = s.queue.shift()!;
          job.endsAt = at + job.durationS;
          vm.jobs.push(job);
          noteWait(job, at);
        }
      }

      total += s.vms.length;
      for (const vm of s.vms) {
        if (vm.hash === 'new') continue;
        oldAny++;
        if (vm.deletingAt === undefined) oldServing++;
      }
    }
    peakVms = Math.max(peakVms, total);
    if (at >= t0 && servingNewAt === undefined && oldServing === 0)
      servingNewAt = at;
    if (at >= t0 && allNewAt === undefined && oldAny === 0) allNewAt = at;
    if (at >= windowEnd && (allNewAt !== undefined || !strategy)) break;
  }

  // Jobs of the window still queued at the end waited at least this long.
  for (const s of states) for (const job of s.queue) noteWait(job, now);
  const old = states.reduce(
    (n, s) => n + s.vms.filter(vm => vm.hash !== 'new').length,
    0,
  );
  const all = states.reduce((n, s) => n + s.vms.length, 0);
  const minutes = (at: number | undefined) =>
    at === undefined ? undefined : (at - t0) / 60;
  return {
    strategy: strategy?.name ?? 'no rollout',
    servingNewMin: minutes(servingNewAt),
    allNewMin: minutes(allNewAt),
    oldAtEnd: all ? old / all : 0,
    jobsKilled: killed,
    waitP95S: percentile(waits, 95),
    waitP99S: percentile(waits, 99),
    waitMaxS: waits.reduce((a, b) => Math.max(a, b), 0),
    jobsInWindow: waits.length,
    peakVms,
    vmsAtChange,
    longerThan30sAtChange: longerThan30s,
  };
}
