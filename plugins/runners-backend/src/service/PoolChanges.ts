import { ConflictError } from '@backstage/errors';
import {
  ApprovalReason,
  ApprovalRequest,
} from '@runner-fleet/plugin-runners-common';
import {
  PoolPatch,
  PoolRecord,
  PoolTransition,
  TeamTransaction,
} from '../database/PoolStore';
import { written } from './conflicts';
import { describeFlavor, PoolSpecs, ResolvedSpec } from './PoolSpecs';
import { describeOverQuota, NOTHING_RESERVED, Quotas } from './Quotas';
import { PoolSpecInput } from './normalize';
import { PoolSpec } from '@runner-fleet/plugin-runners-common';

/** Fields of a pool a team may change after creation. */
export interface PoolUpdateInput {
  description?: string;
  flavor?: PoolSpec['flavor'];
  autoscaling?: PoolSpecInput['autoscaling'];
  tags?: string[];
  runUntagged?: boolean;
}

/**
 * How a change to a stored pool is decided, inside the team's transaction, on the pool as read
 * in that transaction. Every write is conditional on the version read (see `written`), and every
 * change queues a reconcile pass in the same transaction.
 *
 * Approval is decided on the resulting spec: a pool that was never approved (waiting, or
 * rejected) sends every change back to the platform team; a running pool sends a change there
 * when the result needs approval and is not covered by the approval it already has.
 */
export class PoolChanges {
  readonly #specs: PoolSpecs;
  readonly #quotas: Quotas;

  constructor(specs: PoolSpecs, quotas: Quotas) {
    this.#specs = specs;
    this.#quotas = quotas;
  }

  async update(
    tx: TeamTransaction,
    current: PoolRecord,
    update: PoolUpdateInput,
    actor: string,
  ): Promise<{ pool: PoolRecord; request?: ApprovalRequest }> {
    if (current.state === 'deleting') {
      throw new ConflictError(
        `pool '${current.name}' is being deleted; create a new pool instead`,
      );
    }
    // Merge onto the newest intent: a change waiting for approval is not silently dropped.
    const base = current.pendingSpec ?? current.spec;
    const spec = this.#specs.normalize({
      ...base,
      description: update.description ?? base.description,
      flavor: update.flavor ?? base.flavor,
      autoscaling: { ...base.autoscaling, ...update.autoscaling },
      gitlab: {
        scope: base.gitlab.scope,
        tags: update.tags ?? base.gitlab.tags,
        runUntagged: update.runUntagged ?? base.gitlab.runUntagged,
      },
    });
    this.#specs.assertValid(spec);
    const resolved = this.#specs.resolve(spec);
    // Over quota goes to the platform team with the headroom shown, instead of a refusal.
    const quota = await this.#quotas.check(
      tx,
      current.team,
      resolved.reservation,
      current.id,
    );
    const next: ResolvedSpec = quota.fits
      ? resolved
      : {
          ...resolved,
          approvalReasons: [...resolved.approvalReasons, 'over-quota'],
        };
    const overQuota = quota.fits
      ? ''
      : `, over quota (${describeOverQuota(quota)})`;
    await tx.cancelPendingRequests(
      current.id,
      actor,
      'superseded by a newer change',
    );
    const neverApproved =
      (current.state === 'pending-approval' && !current.pendingSpec) ||
      current.state === 'rejected';
    let result: { pool: PoolRecord; request?: ApprovalRequest };
    if (neverApproved) {
      result = await this.#resubmit(tx, current, next, actor, overQuota);
    } else if (
      !quota.fits ||
      (next.approvalReasons.length > 0 &&
        !this.#specs.coveredByApproval(spec, current.spec))
    ) {
      result = await this.#awaitApproval(tx, current, next, actor, overQuota);
    } else {
      const pool = await writePool(
        tx,
        current,
        {
          spec,
          flavor: next.flavor,
          reserved: next.reservation,
          pendingSpec: null,
          bumpGeneration: true,
        },
        {
          state: 'provisioning',
          code: 'ApplyingChange',
          reason: current.pendingSpec
            ? `applying generation ${
                current.generation + 1
              }; it replaces the change that waited for approval`
            : `applying generation ${current.generation + 1}`,
          actor,
        },
      );
      result = { pool };
    }
    await tx.enqueue(current.id);
    return result;
  }

  /** A pool that never ran: the spec asked for is what waits for approval now. */
  async #resubmit(
    tx: TeamTransaction,
    current: PoolRecord,
    next: ResolvedSpec,
    actor: string,
    overQuota: string,
  ) {
    const pool = await writePool(
      tx,
      current,
      {
        spec: next.spec,
        flavor: next.flavor,
        reserved: overQuota ? NOTHING_RESERVED : next.reservation,
        pendingSpec: null,
        bumpGeneration: true,
      },
      {
        state: 'pending-approval',
        code: 'AwaitingApproval',
        reason: `waiting for the platform team to approve ${describeFlavor(
          next.flavor,
        )}${
          current.state === 'rejected' ? ' (resubmitted after a rejection)' : ''
        }${overQuota}`,
        actor,
      },
    );
    const request = await this.#request(
      tx,
      current,
      next.approvalReasons.length ? next.approvalReasons : ['not-yet-approved'],
      `${
        current.state === 'rejected' ? 'resubmitted' : 'changed'
      } new pool with ${describeFlavor(next.flavor)}, up to ${
        next.spec.autoscaling.maxReplicas
      } VMs${overQuota}`,
      actor,
    );
    return { pool, request };
  }

  /** A running pool keeps running as it is while the change waits. */
  async #awaitApproval(
    tx: TeamTransaction,
    current: PoolRecord,
    next: ResolvedSpec,
    actor: string,
    overQuota: string,
  ) {
    const pool = await writePool(
      tx,
      current,
      { pendingSpec: next.spec },
      {
        state: current.state,
        code: 'ChangeAwaitingApproval',
        reason: `change to ${describeFlavor(
          next.flavor,
        )} waits for approval${overQuota}; the pool keeps running as it is`,
        actor,
      },
    );
    const request = await this.#request(
      tx,
      current,
      next.approvalReasons,
      `change to ${describeFlavor(next.flavor)}, up to ${
        next.spec.autoscaling.maxReplicas
      } VMs${overQuota}`,
      actor,
    );
    return { pool, request };
  }

  #request(
    tx: TeamTransaction,
    pool: PoolRecord,
    reasons: ApprovalReason[],
    summary: string,
    actor: string,
  ): Promise<ApprovalRequest> {
    return tx.insertRequest({
      poolId: pool.id,
      team: pool.team,
      poolName: pool.name,
      reasons,
      summary,
      requestedBy: actor,
    });
  }

  /** Marks the pool for deletion; the reconciler drains and removes it. Idempotent. */
  async delete(
    tx: TeamTransaction,
    current: PoolRecord,
    actor: string,
    force: boolean,
  ): Promise<PoolRecord> {
    if (current.state === 'deleting' && (current.deleteForce || !force)) {
      return current;
    }
    await tx.cancelPendingRequests(current.id, actor, 'the pool was deleted');
    const pool = await writePool(
      tx,
      current,
      { pendingSpec: null, deleteRequested: { force } },
      {
        state: 'deleting',
        code: force ? 'CuttingJobs' : 'Draining',
        reason: force
          ? 'deleting now as a platform member asked: running jobs are cut'
          : 'draining: pausing the GitLab runner so running jobs finish before the VMs and the runner are removed',
        actor,
      },
    );
    await tx.enqueue(current.id);
    return pool;
  }

  /** Applies a platform member's decision on `request` to its pool. */
  async decide(
    tx: TeamTransaction,
    request: ApprovalRequest,
    decision: { approve: boolean; reason?: string },
    actor: string,
  ): Promise<ApprovalRequest> {
    const decided = await tx.decideRequest(request.id, {
      status: decision.approve ? 'approved' : 'rejected',
      by: actor,
      reason: decision.reason,
    });
    const pool = await tx.getPool(request.poolId);
    if (!pool || pool.deletedAt || pool.state === 'deleting') return decided;
    const because = decision.reason ?? 'no reason given';
    const approvesOverQuota =
      decision.approve && request.reasons.includes('over-quota');
    if (pool.pendingSpec) {
      if (decision.approve) {
        const next = this.#specs.resolve(pool.pendingSpec);
        // Approving a request over quota is the platform team granting the excess.
        if (!approvesOverQuota) {
          await this.#quotas.assertFits(
            tx,
            pool.team,
            next.reservation,
            pool.id,
          );
        }
        await writePool(
          tx,
          pool,
          {
            spec: next.spec,
            pendingSpec: null,
            flavor: next.flavor,
            reserved: next.reservation,
            bumpGeneration: true,
          },
          {
            state: 'provisioning',
            code: 'Approved',
            reason: `approved by ${actor}; applying generation ${
              pool.generation + 1
            }`,
            actor,
          },
        );
      } else {
        await writePool(
          tx,
          pool,
          { pendingSpec: null },
          {
            state: pool.state,
            code: 'ChangeRejected',
            reason: `change rejected by ${actor}: ${because}; the pool keeps running as it is`,
            actor,
          },
        );
      }
    } else if (pool.state === 'pending-approval') {
      if (decision.approve && !approvesOverQuota) {
        await this.#quotas.assertFits(tx, pool.team, pool.reserved, pool.id);
      }
      await writePool(
        tx,
        pool,
        // A pool that waited over quota reserved nothing; approved, it reserves its size.
        decision.approve && approvesOverQuota
          ? { reserved: this.#specs.resolve(pool.spec).reservation }
          : {},
        decision.approve
          ? {
              state: 'provisioning',
              code: 'Approved',
              reason: `approved by ${actor}; registering the GitLab runner and creating the VMs`,
              actor,
            }
          : {
              state: 'rejected',
              code: 'Rejected',
              reason: `rejected by ${actor}: ${because}`,
              actor,
            },
      );
    }
    await tx.enqueue(pool.id);
    return decided;
  }
}

/** Writes `pool` if it is still the version read in this transaction (see `written`). */
async function writePool(
  tx: TeamTransaction,
  pool: PoolRecord,
  patch: PoolPatch,
  transition: PoolTransition,
): Promise<PoolRecord> {
  return written(await tx.updatePool(pool.id, pool.version, patch, transition));
}
