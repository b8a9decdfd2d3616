/**
 * Why a pool is in its state, as a machine code beside the sentence users read (the style of a
 * Kubernetes condition's `reason` next to its `message`). The portal, alerts and tests decide on
 * the code; the sentence may be reworded at any time.
 */

/**
 * Every reason code the backend writes. New codes are added at the end; clients treat a code they
 * do not know as `Unknown`.
 *
 * @public
 */
export const POOL_REASON_CODES = [
  /** A new pool: the runner is being registered and the VMs created. */
  'Requested',
  /** A new (or rejected and resubmitted) pool waits for a platform approver. */
  'AwaitingApproval',
  /** A platform approver approved the pool or its change; it is being applied. */
  'Approved',
  /** A platform approver rejected a new pool. */
  'Rejected',
  /** A running pool's change waits for approval; the pool keeps running as it was. */
  'ChangeAwaitingApproval',
  /** A running pool's change was rejected; the pool keeps running as it was. */
  'ChangeRejected',
  /** A changed spec is being applied. */
  'ApplyingChange',
  /** The workload does not exist yet. */
  'CreatingVms',
  /** The workload exists; fewer VMs are ready than the pool keeps at least. */
  'VmsBooting',
  /** At least the pool's minimum of VMs is ready. */
  'Ready',
  /** A ready pool dropped below its minimum of ready VMs. */
  'BelowMinimum',
  /** The last reconcile pass failed; the reconciler retries. */
  'ReconcileError',
  /** A cluster does not serve an API the pool needs (KubeVirt, CDI, KEDA…). */
  'MissingClusterApi',
  /** Provisioning failed too often in a row; a person has to fix the cause. */
  'ProvisioningFailed',
  /** The backend lacks a primary cluster or GitLab in its configuration. */
  'NotConfigured',
  /** Deleting: the runner is paused and running jobs are allowed to finish. */
  'Draining',
  /** Deleting: the drain deadline passed or a platform member forced it; jobs are cut. */
  'CuttingJobs',
  /** Deleting: the last delete attempt failed; the reconciler retries. */
  'DeleteRetrying',
  /** The pool's VMs, objects and runner are gone. */
  'Deleted',
  /** Recorded before reason codes existed, or a code this client does not know. */
  'Unknown',
  /** A rollout replaces VMs with a new template; fewer VMs are ready meanwhile, by design. */
  'ReplacingVms',
  /** A platform member or the team aborted a rollout; the pool returns to its last template. */
  'RolloutAborted',
  /** A Windows flavor's golden image DataSource does not exist (CDI: `CloneWithoutSource`). */
  'GoldenImageMissing',
  /** The golden image DataSource exists but is not Ready (source PVC missing or importing). */
  'GoldenImageNotReady',
  /** VMs cannot be placed on a node (KubeVirt: `PodScheduled` False, e.g. insufficient memory). */
  'VmsUnschedulable',
  /** VMs failed while booting (KubeVirt: VMI phase `Failed`); KubeVirt replaces them. */
  'VmsFailed',
  /** A Windows VM's disk clone from the golden image failed (CDI: DataVolume phase `Failed`). */
  'DiskCloneFailed',
  /**
   * A ready Windows pool runs an older golden image version than its DataSource names now; a
   * fleet rollout of its flavor moves it (`POST /fleet/rollouts`).
   */
  'GoldenImageOutdated',
] as const;

/** A reason code, see {@link POOL_REASON_CODES}. @public */
export type PoolReasonCode = (typeof POOL_REASON_CODES)[number];

/** A code as sent by a backend that may be newer than this client. @public */
export function toPoolReasonCode(
  code: string | null | undefined,
): PoolReasonCode {
  return (POOL_REASON_CODES as readonly string[]).includes(code ?? '')
    ? (code as PoolReasonCode)
    : 'Unknown';
}

/**
 * Codes that report an error the reconciler retries (or gave up on), rather than progress: a
 * pool in `provisioning` with one of these is stuck, not on its way. @public
 */
export const ERROR_REASON_CODES: readonly PoolReasonCode[] = [
  'ReconcileError',
  'MissingClusterApi',
  'ProvisioningFailed',
  'NotConfigured',
  'DeleteRetrying',
  'GoldenImageMissing',
  'GoldenImageNotReady',
  'VmsUnschedulable',
  'VmsFailed',
  'DiskCloneFailed',
];

/** Whether `code` reports an error rather than progress. @public */
export function isErrorReason(code: PoolReasonCode): boolean {
  return ERROR_REASON_CODES.includes(code);
}
