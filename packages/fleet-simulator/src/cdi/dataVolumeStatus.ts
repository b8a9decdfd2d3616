import { SimContext } from '../context';
import { Condition } from '../kube/objects';
import { DataVolumeObject, DataVolumePhase, parseQuantity } from './types';

/** Size assumed when a DataVolume requests none. */
const DEFAULT_SIZE_BYTES = 10 * 2 ** 30;

/** One status update of a transfer. */
export interface ProgressStep {
  atMs: number;
  phase: DataVolumePhase;
  progress: string;
}

/** A transfer's timing: scheduling delay, then progress in even steps to Succeeded. */
export interface ProgressPlan {
  operation: 'Clone' | 'Import';
  sizeGiB: number;
  durationMs: number;
  steps: ProgressStep[];
}

/**
 * Draws a transfer: 1-4 s to schedule the worker pod, then size / throughput (host-assisted
 * clone speed) with up to 20 progress updates, one every 5 s at most.
 */
export function clonePlan(
  ctx: SimContext,
  dv: DataVolumeObject,
  operation: 'Clone' | 'Import',
): ProgressPlan {
  const random = ctx.random.fork(
    `dv/${dv.metadata.namespace}/${dv.metadata.name}`,
  );
  const storage = dv.spec.storage ?? dv.spec.pvc;
  const bytes =
    parseQuantity(storage?.resources?.requests?.storage) ?? DEFAULT_SIZE_BYTES;
  const durationMs = Math.max(
    1000,
    (bytes / 2 ** 20 / ctx.settings.cloneThroughputMiBps) * 1000,
  );
  const scheduledMs = Math.round(random.uniform(1000, 4000));
  const updates = Math.min(20, Math.max(1, Math.ceil(durationMs / 5000)));
  const steps: ProgressStep[] = [
    { atMs: 0, phase: `${operation}Scheduled`, progress: 'N/A' },
    { atMs: scheduledMs, phase: `${operation}InProgress`, progress: '0.00%' },
  ];
  for (let i = 1; i < updates; i++) {
    steps.push({
      atMs: scheduledMs + Math.round((durationMs * i) / updates),
      phase: `${operation}InProgress`,
      progress: `${((100 * i) / updates).toFixed(2)}%`,
    });
  }
  steps.push({
    atMs: scheduledMs + Math.round(durationMs),
    phase: 'Succeeded',
    progress: '100.0%',
  });
  return { operation, sizeGiB: bytes / 2 ** 30, durationMs, steps };
}

function condition(
  type: string,
  status: Condition['status'],
  reason: string,
  message: string,
  now: string,
): Condition {
  return {
    type,
    status,
    reason,
    message,
    lastTransitionTime: now,
    lastHeartbeatTime: now,
  };
}

/** The status of a DataVolume that cannot start: phase Pending, Bound not True, not Ready. */
export function waitingStatus(
  ctx: SimContext,
  dv: DataVolumeObject,
  bound: 'Unknown' | 'False',
  reason: string,
  message: string,
): Record<string, unknown> {
  const now = ctx.clock.kubeTime();
  return {
    phase: 'Pending',
    progress: 'N/A',
    claimName: dv.metadata.name,
    conditions: [
      condition('Bound', bound, reason, message, now),
      condition('Ready', 'False', reason, '', now),
      condition('Running', 'False', '', '', now),
    ],
  };
}

/** The status at one step of a transfer, with CDI's Bound/Ready/Running conditions. */
export function stepStatus(
  ctx: SimContext,
  dv: DataVolumeObject,
  plan: ProgressPlan,
  step: ProgressStep,
): Record<string, unknown> {
  const now = ctx.clock.kubeTime();
  const done = step.phase === 'Succeeded';
  const transferring = step.phase.endsWith('InProgress');
  let runningReason = '';
  if (done) runningReason = 'Completed';
  else if (transferring) runningReason = 'Pod is running';
  return {
    phase: step.phase,
    progress: step.progress,
    claimName: dv.metadata.name,
    conditions: [
      condition('Bound', 'True', 'Bound', `PVC ${dv.metadata.name} Bound`, now),
      condition(
        'Ready',
        done ? 'True' : 'False',
        done ? '' : 'TransferRunning',
        '',
        now,
      ),
      condition(
        'Running',
        transferring ? 'True' : 'False',
        runningReason,
        done ? `${plan.operation} Complete` : '',
        now,
      ),
    ],
  };
}
