/** Steps the reconciler reports, so tests can crash between any two of them. */
export type ReconcileStep =
  | 'pass-started'
  | 'status-read'
  | 'runner-created'
  | 'runner-recorded'
  | 'token-stored'
  | 'object-applied'
  | 'object-pruned'
  | 'objects-deleted'
  | 'runner-deleted'
  | 'vm-replaced';

/**
 * Told at each step of a pass; a pass waits for it. Tests crash a pass here, or change the pool
 * at exactly this moment.
 */
export type StepHook = (
  step: ReconcileStep,
  poolId: string,
) => void | Promise<void>;
