import {
  ApprovalRequest,
  Flavor,
  FlavorCatalog,
  PoolSpec,
  QuotaUsage,
  poolReservation,
  toCustomFlavor,
} from '@runner-fleet/plugin-runners-common';
import { PoolResource } from '@runner-fleet/plugin-runners-react';

/** Hours in an average month, for the monthly cost at max VMs. */
export const HOURS_PER_MONTH = 730;

/** Team usage of one quota dimension before and after the approval, with its limit. */
export interface QuotaStep {
  before: number;
  after: number;
  limit: number;
}

/** What an approver needs beside a pending request. */
export interface ApprovalContext {
  /** The spec that approval would provision (a pending change, else the pool's spec). */
  spec: PoolSpec;
  flavor?: Flavor;
  /** The requester's words, if any. */
  reason?: string;
  /** The team's quota before and after approval, when the quota is known. */
  quota?: { cpu: QuotaStep; memoryGiB: QuotaStep; pools: QuotaStep };
  /** Cost units per hour at min and at max VMs, and per month at max. */
  cost?: { minPerHour: number; maxPerHour: number; maxPerMonth: number };
}

function resolveFlavor(
  flavor: PoolSpec['flavor'],
  catalog: FlavorCatalog | undefined,
): Flavor | undefined {
  if (!catalog) return undefined;
  if (typeof flavor === 'string') {
    return catalog.flavors.find(f => f.name === flavor);
  }
  return toCustomFlavor(flavor, catalog.custom);
}

/**
 * The shape, quota effect and cost of approving a request. A new pool that waits for a custom
 * flavor already reserves its size (it counts in `used`); one that waits over quota reserves
 * nothing yet; a pending change swaps the current reservation for the new one.
 */
export function approvalContext(
  request: ApprovalRequest,
  pool: PoolResource,
  usage: QuotaUsage | undefined,
  catalog: FlavorCatalog | undefined,
): ApprovalContext {
  const spec = pool.pendingSpec ?? pool.spec;
  const flavor = pool.pendingSpec
    ? resolveFlavor(pool.pendingSpec.flavor, catalog)
    : pool.flavor;
  const context: ApprovalContext = { spec, flavor, reason: spec.reason };
  if (!flavor) return context;
  const a = spec.autoscaling;
  context.cost = {
    minPerHour: flavor.costWeight * a.minReplicas,
    maxPerHour: flavor.costWeight * a.maxReplicas,
    maxPerMonth: flavor.costWeight * a.maxReplicas * HOURS_PER_MONTH,
  };
  if (!usage) return context;
  const next = poolReservation(flavor, a);
  let current = { cpu: 0, memoryGiB: 0, pools: 0 };
  if (pool.pendingSpec) {
    const now = poolReservation(pool.flavor, pool.spec.autoscaling);
    current = { cpu: now.cpu, memoryGiB: now.memoryGiB, pools: 1 };
  } else if (!request.reasons.includes('over-quota')) {
    current = { cpu: next.cpu, memoryGiB: next.memoryGiB, pools: 1 };
  }
  const step = (
    used: number,
    counted: number,
    added: number,
    limit: number,
  ): QuotaStep => {
    // Before: the team without this request; after: with it approved.
    const before = used - counted;
    const base = pool.pendingSpec ? used : before;
    return { before: base, after: before + added, limit };
  };
  context.quota = {
    cpu: step(usage.used.cpu, current.cpu, next.cpu, usage.limits.maxCpu),
    memoryGiB: step(
      usage.used.memoryGiB,
      current.memoryGiB,
      next.memoryGiB,
      usage.limits.maxMemoryGiB,
    ),
    pools: step(usage.used.pools, current.pools, 1, usage.limits.maxPools),
  };
  return context;
}
