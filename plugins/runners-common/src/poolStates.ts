import { PoolReasonCode } from './poolReasons';
import { AutoscalingSpec, PoolState } from './types';

/**
 * Pool lifecycle rules shared by the backend and the portal, so that "which pools count" is
 * written down once.
 */

/** Pools that hold or are about to hold capacity; fleet views show them. @public */
export const LIVE_POOL_STATES: readonly PoolState[] = [
  'pending-approval',
  'provisioning',
  'ready',
  'degraded',
  'failed',
  'deleting',
];

/** Pools a reconcile pass acts on; the others wait for a person or are final. @public */
export const RECONCILED_POOL_STATES: readonly PoolState[] = [
  'provisioning',
  'ready',
  'degraded',
  'failed',
  'deleting',
];

/** Pools that reserve nothing against quota and own nothing on clusters or in GitLab. @public */
export const FINAL_POOL_STATES: readonly PoolState[] = ['rejected', 'deleted'];

/** Pools on their way to another state; views poll them more often. @public */
export const TRANSITIONAL_POOL_STATES: readonly PoolState[] = [
  'pending-approval',
  'provisioning',
  'deleting',
];

/** Whether a pool in `state` reserves quota and may own objects and a runner. @public */
export function isLivePoolState(state: PoolState): boolean {
  return !FINAL_POOL_STATES.includes(state);
}

/**
 * The fewest VMs a pool keeps: none when it scales to zero, otherwise its minimum but at least
 * one (a pool that must not scale to zero keeps a VM even with `minReplicas: 0`). @public
 */
export function effectiveMinReplicas(
  autoscaling: Pick<AutoscalingSpec, 'minReplicas' | 'scaleToZero'>,
): number {
  return autoscaling.scaleToZero ? 0 : Math.max(1, autoscaling.minReplicas);
}

/**
 * The code a row written before reason codes existed most likely had, from its state alone, so
 * old history still reads sensibly. @public
 */
export function defaultReasonCode(state: PoolState): PoolReasonCode {
  switch (state) {
    case 'pending-approval':
      return 'AwaitingApproval';
    case 'ready':
      return 'Ready';
    case 'degraded':
      return 'BelowMinimum';
    case 'rejected':
      return 'Rejected';
    case 'failed':
      return 'ProvisioningFailed';
    case 'deleted':
      return 'Deleted';
    default:
      return 'Unknown';
  }
}
