import {
  computeHpa,
  decideActivation,
  EMPTY_HPA_STATE,
  Random,
} from '@runner-fleet/fleet-simulator';
import type { HpaState, MetricSample } from '@runner-fleet/fleet-simulator';
import type { ScalingSchedule } from '@runner-fleet/plugin-runners-common';
import type { HourRollup } from '../../src/database/HistoryStore';
import { ScalingPolicy, SimScaler, SimTrigger } from './policies';
import {
  SCALING_MODEL,
  ScalingPool,
  ScalingWorkload,
  WEEK_S,
  WEEK_START_MS,
} from './week';

/** A runner VM: boots, serves, and once deleted takes no new job and drains. */
interface Vm {
  burst: boolean;
  servingAt: number;
  deleting: boolean;
  jobs: number;
  phase: number;
}

/** A min-heap of job ends (time, VM). */
class EndHeap {
  readonly #at: number[] = [];
  readonly #vm: Vm[] = [];

  get size(): number {
    return this.#at.length;
  }

  top(): number {
    return this.#at[0];
  }

  push(at: number, vm: Vm): void {
    const a = this.#at;
    const v = this.#vm;
    let i = a.length;
    a.push(at);
    v.push(vm);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent] <= at) break;
      a[i] = a[parent];
      v[i] = v[parent];
      i = parent;
    }
    a[i] = at;
    v[i] = vm;
  }

  pop(): Vm {
    const a = this.#at;
    const v = this.#vm;
    const out = v[0];
    const lastAt = a.pop()!;
    const lastVm = v.pop()!;
    const n = a.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && a[child + 1] < a[child]) child++;
        if (a[child] >= lastAt) break;
        a[i] = a[child];
        v[i] = v[child];
        i = child;
      }
      a[i] = lastAt;
      v[i] = lastVm;
    }
    return out;
  }
}

/** One cluster role's scaler at work: KEDA activation, the HPA and its memory. */
interface RoleState {
  scaler: SimScaler;
  burst: boolean;
  replicas: number;
  hpa: HpaState;
  lastActiveMs?: number;
}

/** What one policy's run measured over the last (measured) week. */
export interface PolicyResult {
  policy: string;
  jobs: number;
  waitP50S: number;
  waitP95S: number;
  waitP99S: number;
  /** Share of jobs that waited longer than a minute. */
  overMinute: number;
  /** VM-hours (booting, serving and draining VMs), primary and burst cluster. */
  vmHours: number;
  burstVmHours: number;
  /** VM-hours × the flavor's cost weight (the portal's default cost unit). */
  cost: number;
  /** Busy job slots over all job slots of running VMs. */
  utilization: number;
}

/** A run's measured result, and the hourly history of the weeks before for the advice rules. */
export interface RunOutput {
  result: PolicyResult;
  /** Per pool id, its hourly rollups of every week but the measured one. */
  history: Map<string, HourRollup[]>;
}

function inSchedule(s: ScalingSchedule, second: number): boolean {
  const hourOfWeek = Math.floor(second / 3600) % (7 * 24);
  const day = Math.floor(hourOfWeek / 24); // 0 = Monday
  const hour = hourOfWeek % 24;
  // Cron day of week: 0 = Sunday … 6 = Saturday; the advice writes `1-5`, `*` or `0-6`.
  const cronDay = (day + 1) % 7;
  const days = s.days === '*' ? [0, 6] : s.days.split('-').map(Number);
  const inDays =
    days.length === 2
      ? cronDay >= days[0] && cronDay <= days[1]
      : days.includes(cronDay);
  return inDays && hour >= s.startHour && hour < s.endHour;
}

function percentileOf(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[
    Math.min(
      sorted.length - 1,
      Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
    )
  ];
}

/** The CI poller's last snapshot: what the scaling endpoint serves. */
interface Snapshot {
  busyPrimary: number;
  busyBurst: number;
  pending: number;
}

/** What KEDA serves the HPA for a trigger at second `t` (the product's scalingSignal). */
function triggerValue(
  trigger: SimTrigger,
  t: number,
  snapshot: Snapshot,
  primary: RoleState,
): number {
  const source = trigger.source;
  if (source.kind === 'cron')
    return inSchedule(source.schedule, t) ? source.schedule.minReplicas : 1;
  switch (source.figure) {
    case 'busyJobSlots':
      return snapshot.busyPrimary;
    case 'pendingJobs':
      return snapshot.pending;
    case 'overflowBusyJobSlots':
      return snapshot.busyBurst;
    case 'overflowPendingJobs':
      return primary.replicas >= primary.scaler.maxReplicaCount
        ? snapshot.pending
        : 0;
    default:
      return 0;
  }
}

/** How many of the sorted values are at most `x`. */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** p95 of an hour's waits (nearest rank), as the history store computes it from samples. */
function p95(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)];
}

/**
 * Plays `policy` over the whole workload, second by second: jobs arrive (the same jobs for every
 * policy), gitlab-runner on each serving VM asks for jobs every check interval and takes the
 * oldest pending ones into its free slots; the CI poller's snapshot (busy and pending jobs) is
 * refreshed every poll round; every HPA sync KEDA serves each trigger's value from the last
 * snapshot (metrics-api) or the clock (cron), activates from/to zero, and the HPA
 * (`computeHpa`, the fleet simulator's port of the Kubernetes replica calculator, with the
 * ScaledObject's behaviour) sets the replicas; the VMIRS creates VMs that serve after the boot
 * time and deletes surplus ones at random, which then drain.
 */
export function simulatePolicy(
  workload: ScalingWorkload,
  policy: ScalingPolicy,
  seed: string,
  weeks: number,
): RunOutput {
  const M = SCALING_MODEL;
  const end = weeks * WEEK_S;
  const measureFrom = (weeks - 1) * WEEK_S;
  const measuredJobs = workload.jobs.reduce(
    (n, j) => n + j.arrivals.filter(a => a >= measureFrom).length,
    0,
  );
  const waits = new Float64Array(measuredJobs);
  let waitCount = 0;
  let vmSeconds = 0;
  let burstVmSeconds = 0;
  let cost = 0;
  let busySlotSeconds = 0;
  let totalSlotSeconds = 0;
  const history = new Map<string, HourRollup[]>();

  workload.pools.forEach((pool, p) => {
    const picks = new Random(`${seed}/scale-in/${pool.id}`);
    const { arrivals, durations } = workload.jobs[p];
    const slots = pool.flavor.jobSlots;
    const scalers = policy.scalers(pool);
    const roles: RoleState[] = [
      {
        scaler: scalers.primary,
        burst: false,
        replicas: Math.max(1, scalers.primary.minReplicaCount),
        hpa: EMPTY_HPA_STATE,
      },
    ];
    if (scalers.burst)
      roles.push({
        scaler: scalers.burst,
        burst: true,
        replicas: 0,
        hpa: EMPTY_HPA_STATE,
      });
    let vms: Vm[] = [];
    let vmCounter = 0;
    const newVm = (burst: boolean, servingAt: number): Vm => ({
      burst,
      servingAt,
      deleting: false,
      jobs: 0,
      phase: vmCounter++ % M.checkIntervalS,
    });
    for (let i = 0; i < roles[0].replicas; i++) vms.push(newVm(false, 0));
    const ends = new EndHeap();
    let next = 0; // next arrival
    let head = 0; // oldest pending job
    let busyPrimary = 0;
    let busyBurst = 0;
    let snapshot: Snapshot = { busyPrimary: 0, busyBurst: 0, pending: 0 };
    // History of the weeks before the measured one, hour by hour.
    const hours: HourRollup[] = [];
    let hourWaits: number[] = [];
    let hour = makeHour(pool, 0);

    const removeDrained = () => {
      vms = vms.filter(vm => !(vm.deleting && vm.jobs === 0));
    };

    for (let t = 0; t < end; t++) {
      // Jobs end.
      while (ends.size > 0 && ends.top() <= t) {
        const vm = ends.pop();
        vm.jobs--;
        if (vm.burst) busyBurst--;
        else busyPrimary--;
        if (vm.deleting && vm.jobs === 0) removeDrained();
      }
      // Jobs arrive.
      while (next < arrivals.length && arrivals[next] <= t) next++;

      // The CI poller's round.
      if (t % M.pollS === 0) {
        snapshot = { busyPrimary, busyBurst, pending: next - head };
        if (t < measureFrom) {
          hour.busySlotsMax = Math.max(
            hour.busySlotsMax,
            busyPrimary + busyBurst,
          );
          hour.pendingMax = Math.max(hour.pendingMax, next - head);
        }
      }

      // KEDA and the HPA, primary first (the burst's overflow reads the primary's replicas).
      if (t % M.hpaSyncS === 7) {
        const seen = snapshot;
        for (const role of roles) {
          const values = role.scaler.triggers.map(trigger =>
            triggerValue(trigger, t, seen, roles[0]),
          );
          const nowMs = t * 1000;
          const active = role.scaler.triggers.some((trigger, i) =>
            trigger.source.kind === 'cron'
              ? inSchedule(trigger.source.schedule, t)
              : values[i] > 0,
          );
          const activation = decideActivation({
            nowMs,
            currentReplicas: role.replicas,
            minReplicaCount: role.scaler.minReplicaCount,
            isActive: active,
            isError: false,
            lastActiveMs: role.lastActiveMs,
            creationMs: 0,
            cooldownSeconds: role.scaler.cooldownSeconds,
            initialCooldownSeconds: 0,
          });
          if (activation.touchLastActive) role.lastActiveMs = nowMs;
          if (activation.scaleTo !== undefined)
            role.replicas = activation.scaleTo;
          else if (role.replicas > 0) {
            const metrics: MetricSample[] = role.scaler.triggers.map(
              (trigger, i) => ({
                name: trigger.name,
                value: values[i],
                target: trigger.target,
                targetType: 'AverageValue',
              }),
            );
            const statusReplicas = vms.filter(
              vm => vm.burst === role.burst && !vm.deleting,
            ).length;
            const decision = computeHpa(
              {
                nowMs,
                specReplicas: role.replicas,
                statusReplicas,
                minReplicas: Math.max(1, role.scaler.minReplicaCount),
                maxReplicas: role.scaler.maxReplicaCount,
                metrics,
                behavior: role.scaler.behavior,
              },
              role.hpa,
            );
            role.hpa = decision.state;
            role.replicas = decision.desiredReplicas;
          }
          // The VMIRS: missing VMs start booting; surplus ones are deleted at random and drain.
          const live = vms.filter(
            vm => vm.burst === role.burst && !vm.deleting,
          );
          for (let i = live.length; i < role.replicas; i++)
            vms.push(newVm(role.burst, t + M.bootS));
          let surplus = live.length - role.replicas;
          while (surplus-- > 0) {
            const victim = live.splice(picks.int(live.length), 1)[0];
            victim.deleting = true;
          }
        }
        removeDrained();
      }

      // gitlab-runner: a serving VM with a free slot takes the oldest pending jobs.
      if (next > head) {
        for (const vm of vms) {
          if (next === head) break;
          if (vm.deleting || vm.servingAt > t || vm.jobs >= slots) continue;
          if ((t + vm.phase) % M.checkIntervalS !== 0) continue;
          while (vm.jobs < slots && next > head) {
            const wait = t - arrivals[head];
            if (arrivals[head] >= measureFrom) waits[waitCount++] = wait;
            else {
              hourWaits.push(wait);
              hour.jobsStarted++;
            }
            ends.push(t + durations[head], vm);
            head++;
            vm.jobs++;
            if (vm.burst) busyBurst++;
            else busyPrimary++;
          }
        }
      }

      // Accounting, every second.
      const busy = busyPrimary + busyBurst;
      if (t >= measureFrom) {
        let burstVms = 0;
        for (const vm of vms) if (vm.burst) burstVms++;
        vmSeconds += vms.length;
        burstVmSeconds += burstVms;
        cost += (vms.length * pool.flavor.costWeight) / 3600;
        busySlotSeconds += busy;
        let serving = 0;
        for (const vm of vms) if (vm.servingAt <= t) serving++;
        totalSlotSeconds += serving * slots;
      } else {
        hour.busySlotSeconds += busy;
        hour.totalSlotSeconds += vms.length * slots;
        hour.vmSeconds += vms.length;
        if ((t + 1) % 3600 === 0) {
          hour.waitP95 = p95(hourWaits);
          hours.push(hour);
          hourWaits = [];
          hour = makeHour(pool, t + 1);
        }
      }
    }
    // Jobs of the measured week still waiting at the end waited at least this long.
    for (; head < next; head++)
      if (arrivals[head] >= measureFrom)
        waits[waitCount++] = end - arrivals[head];
    history.set(pool.id, hours);
  });

  const sorted = waits.slice(0, waitCount).sort();
  return {
    result: {
      policy: policy.name,
      jobs: waitCount,
      waitP50S: percentileOf(sorted, 50),
      waitP95S: percentileOf(sorted, 95),
      waitP99S: percentileOf(sorted, 99),
      overMinute: waitCount
        ? (waitCount - upperBound(sorted, 60)) / waitCount
        : 0,
      vmHours: vmSeconds / 3600,
      burstVmHours: burstVmSeconds / 3600,
      cost,
      utilization: totalSlotSeconds ? busySlotSeconds / totalSlotSeconds : 0,
    },
    history,
  };
}

function makeHour(pool: ScalingPool, second: number): HourRollup {
  return {
    hour: WEEK_START_MS + second * 1000,
    poolId: pool.id,
    team: 'bench',
    poolName: pool.id,
    flavor: pool.flavor.name,
    os: pool.flavor.os,
    vcpuPerVm: pool.flavor.cpu,
    memoryGiBPerVm: pool.flavor.memoryGiB,
    minutes: 60,
    vmsMax: 0,
    busySlotsMax: 0,
    pendingMax: 0,
    jobsStarted: 0,
    waitSecondsSum: 0,
    waitSecondsMax: 0,
    waitHistogram: [],
    vmSeconds: 0,
    burstVmSeconds: 0,
    vcpuSeconds: 0,
    gibSeconds: 0,
    weightedVmSeconds: 0,
    busySlotSeconds: 0,
    totalSlotSeconds: 0,
    jobsFinished: 0,
    jobSeconds: 0,
    jobsInterrupted: 0,
  };
}
