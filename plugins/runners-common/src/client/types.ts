import type {
  ApprovalReason,
  ApprovalRequest,
  ApprovalStatus,
  AutoscalingSpec,
  CustomFlavorRequest,
  Flavor,
  Pool,
  PoolSpec,
  QuotaUsage,
} from '../types';
import type { FieldError } from '../validation';

/**
 * A pool as the API returns it, with the change that waits for approval, if any.
 *
 * @public
 */
export type PoolResource = Pool & {
  /** A change that waits for approval; the pool keeps running as `spec` says meanwhile. */
  pendingSpec?: PoolSpec;
  /**
   * The `ETag` of the answer that carried this pool (GET /pools/:id only). Send it back as
   * `ifMatch` to change or delete the pool only if nobody changed it since.
   */
  etag?: string;
};

/**
 * The answer to creating or changing a pool: the pool and, when the change waits for a
 * platform approver, the approval request.
 *
 * @public
 */
export interface PoolChange {
  pool: PoolResource;
  request?: ApprovalRequest;
}

/**
 * What may change on an existing pool (PATCH /pools/:id). Omitted fields stay as they are;
 * `autoscaling` is merged into the current autoscaling spec, and names at least the minimum
 * and maximum size (the OpenAPI spec requires both).
 *
 * @public
 */
export interface PoolUpdate {
  description?: string;
  flavor?: string | CustomFlavorRequest;
  autoscaling?: Pick<AutoscalingSpec, 'minReplicas' | 'maxReplicas'> &
    Partial<AutoscalingSpec>;
  tags?: string[];
  runUntagged?: boolean;
}

/**
 * The server's verdict on a pool spec as the form is filled in: field errors, whether it
 * needs approval, and its effect on the team's quota.
 *
 * @public
 */
export interface PoolValidation {
  errors: FieldError[];
  needsApproval: boolean;
  approvalReasons?: ApprovalReason[];
  /** The resolved flavor, when the flavor part of the spec is valid. */
  flavor?: Flavor;
  /**
   * What the pool reserves against the quota: its maximum size on the primary cluster, and
   * the clone storage of a Windows pool.
   */
  reservation?: { cpu: number; memoryGiB: number; storageGiB?: number };
  /** The team's quota and current use, when the caller may read the team's pools. */
  quota?: QuotaUsage;
}

/**
 * Filters for listing approval requests.
 *
 * @public
 */
export interface ListRequestsOptions {
  status?: ApprovalStatus;
}

/**
 * Filters by team.
 *
 * @public
 */
export interface TeamFilter {
  /** A catalog Group name in the default namespace. */
  team?: string;
}

/**
 * The period and team of a showback; dates are ISO 8601, the period defaults to the last 30 days.
 *
 * @public
 */
export interface ShowbackOptions {
  from?: string;
  to?: string;
  team?: string;
}

/**
 * Per-request options of {@link RunnersHttpClient}.
 *
 * @public
 */
export interface RunnersRequestOptions {
  /**
   * A Backstage token to send as `Authorization: Bearer`. Backend callers pass one issued on
   * behalf of their caller; in the browser the fetch API adds the user's token instead.
   */
  token?: string;
}
