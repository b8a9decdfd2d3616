import { createApiRef } from '@backstage/core-plugin-api';
import {
  Advice,
  AdviceSources,
  ApprovalRequest,
  FleetSummary,
  FlavorCatalog,
  FleetRollout,
  FleetRolloutInput,
  PoolEvent,
  PoolHealthDetail,
  PoolRollout,
  PoolSpec,
  QuotaUsage,
  Showback,
  TeamHealth,
} from '@runner-fleet/plugin-runners-common';
import {
  ListRequestsOptions,
  PoolChange,
  PoolResource,
  PoolUpdate,
  PoolValidation,
  ShowbackOptions,
  TeamFilter,
} from './types';

/**
 * The runners backend (`/api/runners`), as the portal uses it. Every method rejects with a
 * `ResponseError` carrying the server's message when the backend says no.
 *
 * @public
 */
export interface RunnersApi {
  /** Standard flavors and the bounds for custom flavors. */
  getFlavors(): Promise<FlavorCatalog>;
  /** Pools the caller may read, optionally of one team. */
  listPools(options?: TeamFilter): Promise<PoolResource[]>;
  getPool(id: string): Promise<PoolResource>;
  /** Asks for a new pool; with `dryRun` checks everything and changes nothing. */
  createPool(
    spec: PoolSpec,
    options?: { dryRun?: boolean },
  ): Promise<PoolChange>;
  /** Checks a spec as the form is filled in. Changes nothing. */
  validatePool(spec: PoolSpec): Promise<PoolValidation>;
  /**
   * Changes flavor, autoscaling, tags or description. With `ifMatch` (the `etag` of
   * {@link RunnersApi.getPool}), the backend answers 412 if the pool changed since it was read.
   */
  updatePool(
    id: string,
    update: PoolUpdate,
    options?: { ifMatch?: string },
  ): Promise<PoolChange>;
  /**
   * Tears the pool down: VMs, scalers, secrets and the GitLab runner. By default the pool
   * drains (state `deleting`) until its running jobs finish; `force` deletes now, cutting
   * them, and needs the `runners.pool.forceDelete` permission.
   */
  deletePool(id: string, options?: { force?: boolean }): Promise<PoolResource>;
  /** The pool's state history, oldest first. */
  listPoolEvents(id: string): Promise<PoolEvent[]>;
  /** A pool's health with its VMs, timeline and 24 h history. */
  getPoolHealth(id: string): Promise<PoolHealthDetail>;
  /** A pool's rolling replacement of VMs: phase, reason, old/new VM counts, why it waits. */
  getPoolRollout(id: string): Promise<PoolRollout>;
  /** Aborts a rolling or halted rollout: the pool returns to the template before it. */
  abortPoolRollout(id: string): Promise<PoolRollout>;
  /** Fleet rollouts, newest first; rejects with a 403 for everyone but the platform team. */
  listFleetRollouts(): Promise<FleetRollout[]>;
  /** One fleet rollout with each pool's progress (platform team). */
  getFleetRollout(id: string): Promise<FleetRollout>;
  /**
   * Rolls the catalog's current definition of a flavor out to every live pool of that flavor,
   * canary pools first (platform team). Rejects with a 409 when there is nothing to roll or the
   * flavor is being rolled out already.
   */
  startFleetRollout(input: FleetRolloutInput): Promise<FleetRollout>;
  /** Stops admitting pools; admitted pools finish their own rollouts. */
  pauseFleetRollout(id: string): Promise<FleetRollout>;
  /** Admits pools again after a pause or a halt. */
  resumeFleetRollout(id: string): Promise<FleetRollout>;
  /** Stops the rollout: admitted pools that have not finished return to their previous flavor. */
  abortFleetRollout(id: string): Promise<FleetRollout>;
  /** Approval requests the caller may see, newest first. */
  listRequests(options?: ListRequestsOptions): Promise<ApprovalRequest[]>;
  approveRequest(
    id: string,
    options?: { reason?: string },
  ): Promise<ApprovalRequest>;
  rejectRequest(id: string, reason: string): Promise<ApprovalRequest>;
  /** Quota and usage of the caller's teams (all teams for fleet readers). */
  listQuotas(options?: TeamFilter): Promise<QuotaUsage[]>;
  /** The whole fleet; rejects with a 403 for everyone but the platform team. */
  getFleetSummary(): Promise<FleetSummary>;
  /** Health of the pools the caller may read, grouped by team. */
  listTeamHealth(options?: TeamFilter): Promise<TeamHealth[]>;
  /** What the caller's teams (all teams for the platform team) used and cost over a period. */
  getShowback(options?: ShowbackOptions): Promise<Showback>;
  /** The same showback as CSV, one line per pool and flavor. */
  getShowbackCsv(options?: ShowbackOptions): Promise<string>;
  /** Right-sizing advice for the pools the caller may read, with its reasoning. */
  listAdvice(options?: TeamFilter): Promise<Advice[]>;
  /** Which data the advice can draw on: without a usage source, no flavor advice. */
  getAdviceSources(): Promise<AdviceSources>;
  /** Applies an advice as a change of its pool (permissions, quota and approval apply). */
  applyAdvice(id: string): Promise<PoolChange>;
  /** Hides an advice for good. */
  dismissAdvice(id: string): Promise<void>;
}

/**
 * The API reference of {@link RunnersApi}.
 *
 * @public
 */
export const runnersApiRef = createApiRef<RunnersApi>({
  id: 'plugin.runners.service',
});
