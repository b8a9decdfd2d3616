import { Flavor, PoolSpec } from '@runner-fleet/plugin-runners-common';
import type { GoldenImageSource } from '../render/types';
import {
  RolloutPhase,
  RolloutReason,
  RolloutRecord,
  RolloutWrite,
} from '../../database/RolloutStore';

/** One VM of the pool as a rollout pass sees it (from the cluster and from GitLab). */
export interface RolloutVm {
  /** `cluster/namespace/name`, unique across clusters. */
  key: string;
  /** Whether its template hash differs from its workload's current template. */
  outdated: boolean;
  /** Being deleted: the guest drains gitlab-runner, takes no new jobs. */
  deleting: boolean;
  /** Running, Ready, and its runner manager is registered with GitLab: it takes jobs. */
  serving: boolean;
  /** Phase Failed: KubeVirt gave up booting it. */
  failed: boolean;
  /** Running jobs on its runner manager. */
  runningJobs: number;
}

/** Everything one decision needs. Pure input: the same input gives the same plan. */
export interface RolloutInput {
  poolId: string;
  spec: PoolSpec;
  flavor: Flavor;
  /** Windows: the golden image version the pool is pinned to (restored with spec and flavor). */
  goldenImage?: GoldenImageSource;
  /** Hash of the primary workload's current VM template. */
  targetHash: string;
  vms: RolloutVm[];
  /**
   * VMs the pool's workloads want now (`spec.replicas`); those wanted but not there count as
   * replacements in flight (a Windows VM is re-created only after its old one is gone).
   * Undefined: not read, only booting VMs count.
   */
  replicas?: number;
  /** Job slots per VM (gitlab-runner `concurrent`). */
  slotsPerVm: number;
  /** Jobs waiting in GitLab that this pool's runner could take. */
  pendingJobs: number;
  record?: RolloutRecord;
  now: Date;
  /** How long new VMs may take to boot and register before the rollout halts. */
  deadlineMs: number;
}

/** What to do: VMs to retire now, and the record to write (undefined: nothing changed). */
export interface RolloutPlan {
  retire: string[];
  write?: RolloutWrite;
  /** A line for the pool's timeline, written with the record. */
  event?: string;
  /** Whether the pool wants another pass soon (a rollout in progress). */
  active: boolean;
}

/** At most this share of a pool's VMs boots as replacements at once (at least one). */
export const MAX_SURGE_SHARE = 0.25;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Decides one step of a pool's rolling replacement.
 *
 * Replicas stay KEDA's: a retired VM is deleted, and its VMIRS (which counts a terminating VMI as
 * gone) creates the replacement from the new template at once, while the old guest keeps
 * running its jobs through gitlab-runner's graceful shutdown. That is the surge: old and new run
 * side by side, and no replica count is written. Old VMs go in this order: those that serve
 * nothing (not ready or not registered), idle ones, then busy ones with the fewest jobs. A VM is
 * retired only while the free job slots left on serving VMs still cover the jobs GitLab has
 * pending for the pool, and while at most {@link MAX_SURGE_SHARE} of the pool boots.
 */
export function planRollout(input: RolloutInput): RolloutPlan {
  const { record, vms, now } = input;
  const active = vms.filter(v => !v.deleting);
  const outdated = active.filter(v => v.outdated);
  const fresh = active.filter(v => !v.outdated);
  const draining = vms.filter(v => v.deleting && v.outdated);
  const freshServing = fresh.filter(v => v.serving);
  const freshPending = fresh.filter(v => !v.serving);
  const counts = {
    outdated: outdated.length,
    updated: freshServing.length,
    draining: draining.length,
  };
  const base = {
    poolId: input.poolId,
    targetHash: input.targetHash,
    stableHash: record?.stableHash,
    stableSpec: record?.stableSpec,
    stableFlavor: record?.stableFlavor,
    stableGoldenImage: record?.stableGoldenImage,
    replaced: record?.replaced ?? 0,
    startedAt: record?.startedAt,
    progressAt: record?.progressAt,
    finishedAt: record?.finishedAt,
  };

  if (outdated.length === 0 && draining.length === 0) {
    const stable: RolloutWrite = {
      ...base,
      phase: 'stable',
      reason: 'UpToDate',
      message: 'every VM runs the current template',
      stableHash: input.targetHash,
      stableSpec: input.spec,
      stableFlavor: input.flavor,
      stableGoldenImage: input.goldenImage,
      vms: { outdated: 0, updated: 0, draining: 0 },
    };
    if (record && record.phase !== 'stable') {
      const aborted = record.phase === 'rolling-back';
      const minutes = record.startedAt
        ? Math.round(
            (now.getTime() - new Date(record.startedAt).getTime()) / 6000,
          ) / 10
        : 0;
      const message = aborted
        ? `rollout aborted: every VM runs the previous template again (${plural(
            record.replaced,
            'VM',
          )} replaced in ${minutes} min)`
        : `rollout complete: every VM runs the new template (${plural(
            record.replaced,
            'VM',
          )} replaced in ${minutes} min)`;
      return {
        retire: [],
        active: false,
        event: message,
        write: {
          ...stable,
          reason: aborted ? 'Aborted' : 'Complete',
          message,
          finishedAt: now.toISOString(),
        },
      };
    }
    if (!record || record.stableHash !== input.targetHash) {
      // The template changed while no VM ran, or this is the pool's first pass.
      const instant = !!record?.stableHash && active.length === 0;
      const message = instant
        ? 'rolled out instantly: no VM ran, new VMs start from the new template'
        : stable.message;
      return {
        retire: [],
        active: false,
        event: instant ? message : undefined,
        write: {
          ...stable,
          reason: instant ? 'Instant' : 'UpToDate',
          message,
          startedAt: instant ? now.toISOString() : base.startedAt,
          finishedAt: instant ? now.toISOString() : base.finishedAt,
        },
      };
    }
    return { retire: [], active: false };
  }

  // A halted rollout stays halted until the pool changes (new target) or is aborted.
  if (record?.phase === 'halted' && record.targetHash === input.targetHash) {
    return { retire: [], active: false };
  }

  let event: string | undefined;
  const phase: RolloutPhase =
    record?.phase === 'rolling-back' && record.targetHash === input.targetHash
      ? 'rolling-back'
      : 'rolling';
  let started = base;
  if (
    !record ||
    record.phase === 'stable' ||
    record.targetHash !== input.targetHash
  ) {
    started = {
      ...base,
      replaced: 0,
      startedAt: now.toISOString(),
      progressAt: now.toISOString(),
      finishedAt: undefined,
    };
    event = `rollout started: ${plural(outdated.length, 'VM')} of ${
      active.length
    } run an outdated template; each is replaced by a new VM, idle ones first, busy ones after their jobs finish`;
  }

  // Halt when new VMs have not come up within the deadline since the last progress.
  const progressed = !record || freshServing.length > (record.vms.updated ?? 0);
  const progressAt =
    progressed || !started.progressAt ? now.toISOString() : started.progressAt;
  const waitedMs = now.getTime() - new Date(progressAt).getTime();
  if (freshPending.length > 0 && waitedMs > input.deadlineMs) {
    const failed = freshPending.some(v => v.failed);
    const reason: RolloutReason = failed
      ? 'NewVmsFailedToBoot'
      : 'NewVmsNotRegistered';
    const minutes = Math.round(input.deadlineMs / 6000) / 10;
    const message = failed
      ? `rollout halted: new VMs failed to boot within ${minutes} min; the ${plural(
          outdated.length,
          'old VM',
        )} keep serving. Fix the template (flavor image, cloud-init) and change the pool, or abort the rollout`
      : `rollout halted: ${plural(
          freshPending.length,
          'new VM',
        )} did not register with GitLab within ${minutes} min; the ${plural(
          outdated.length,
          'old VM',
        )} keep serving. Check the runner token and config.toml, then change the pool or abort the rollout`;
    return {
      retire: [],
      active: false,
      event: message,
      write: {
        ...started,
        progressAt,
        phase: 'halted',
        reason,
        message,
        vms: counts,
      },
    };
  }

  const maxInFlight = Math.max(1, Math.ceil(active.length * MAX_SURGE_SHARE));
  // Booting replacements, plus replacements not created yet (wanted VMs that do not exist).
  let inFlight =
    freshPending.length + Math.max(0, (input.replicas ?? 0) - active.length);
  let free = active
    .filter(v => v.serving)
    .reduce((sum, v) => sum + Math.max(0, input.slotsPerVm - v.runningJobs), 0);
  const candidates = [...outdated].sort(
    (a, b) =>
      Number(a.serving) - Number(b.serving) ||
      a.runningJobs - b.runningJobs ||
      a.key.localeCompare(b.key),
  );
  const retire: string[] = [];
  let blockedBy: RolloutReason | undefined;
  for (const vm of candidates) {
    if (inFlight >= maxInFlight) {
      blockedBy = 'WaitingForNewVms';
      break;
    }
    const freeAfter = vm.serving
      ? free - Math.max(0, input.slotsPerVm - vm.runningJobs)
      : free;
    if (vm.serving && freeAfter < input.pendingJobs) {
      blockedBy = 'WaitingForCapacity';
      break;
    }
    retire.push(vm.key);
    free = freeAfter;
    inFlight++;
  }

  const left = outdated.length - retire.length;
  let reason: RolloutReason = 'Replacing';
  let why = `replacing ${plural(retire.length, 'VM')} now`;
  if (retire.length === 0) {
    reason = blockedBy ?? 'WaitingForDrain';
    if (reason === 'WaitingForNewVms')
      why = `waiting for ${plural(inFlight, 'new VM')} to boot and register`;
    else if (reason === 'WaitingForCapacity')
      why = `waiting for free job slots: ${plural(
        input.pendingJobs,
        'job',
      )} pending and retiring a VM now would leave too few slots for them`;
    else
      why = `waiting for ${plural(
        draining.length,
        'old VM',
      )} to finish their jobs`;
  }
  const message = `${
    phase === 'rolling-back' ? 'rolling back' : 'rolling out'
  }: ${counts.updated} new, ${left} old, ${
    counts.draining + retire.length
  } draining; ${why}`;
  const write: RolloutWrite = {
    ...started,
    phase,
    reason,
    message,
    progressAt: retire.length > 0 ? now.toISOString() : progressAt,
    replaced: started.replaced + retire.length,
    vms: counts,
  };
  const changed =
    !record ||
    event !== undefined ||
    retire.length > 0 ||
    record.phase !== write.phase ||
    record.message !== write.message ||
    record.progressAt !== write.progressAt;
  return { retire, active: true, event, write: changed ? write : undefined };
}
