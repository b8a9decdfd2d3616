import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ApprovalReason,
  Pool,
  PoolChange,
  PoolSpec,
  runnersPoolCreatePermission,
  runnersPoolDeletePermission,
  runnersPoolForceDeletePermission,
  runnersPoolReadPermission,
  runnersPoolUpdatePermission,
} from '@runner-fleet/plugin-runners-common';
import { NotAllowedError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { RunnersConfig } from '../config';
import { PoolRecord, PoolStore, TeamTransaction } from '../database/PoolStore';
import { audited } from './audit';
import { PreconditionFailedError, untilWritten } from './conflicts';
import { ifMatchAllows, poolETag } from './etag';
import { PoolSpecInput } from './normalize';
import { PoolChanges, PoolUpdateInput } from './PoolChanges';

export type { PoolUpdateInput } from './PoolChanges';
import { PoolPermissions } from './PoolPermissions';
import { describeFlavor, PoolSpecs } from './PoolSpecs';
import { describeOverQuota, NOTHING_RESERVED, Quotas } from './Quotas';

export type { PoolChange } from '@runner-fleet/plugin-runners-common';

/** What the API shows of a stored pool. */
export function toApiPool(
  record: PoolRecord,
): Pool & { pendingSpec?: PoolSpec } {
  const {
    reserved: _reserved,
    deletedAt: _deletedAt,
    version: _version,
    deleteRequestedAt: _deleteRequestedAt,
    deleteForce: _deleteForce,
    ...pool
  } = record;
  return pool;
}

/**
 * Pools as users ask for them: authorises, validates, checks quota inside the team's
 * transaction, records the change conditionally on what it read (so no change is lost to a
 * concurrent one), queues a reconcile pass in the same transaction, and audits it. How a change
 * is decided (approval on the resulting spec) is {@link PoolChanges}'s job.
 */
export class PoolService {
  readonly #store: PoolStore;
  readonly #specs: PoolSpecs;
  readonly #quotas: Quotas;
  readonly #changes: PoolChanges;
  readonly #permissions: PoolPermissions;
  readonly #catalog: CatalogService;
  readonly #auditor: AuditorService;
  readonly #logger: LoggerService;
  readonly #onChange: (poolId: string) => void;

  static create(options: {
    store: PoolStore;
    config: RunnersConfig;
    permissions: PoolPermissions;
    catalog: CatalogService;
    auditor: AuditorService;
    logger: LoggerService;
    /** Told after a change committed (its reconcile pass is already queued). */
    onChange?: (poolId: string) => void;
  }) {
    return new PoolService(options);
  }

  private constructor(options: Parameters<typeof PoolService.create>[0]) {
    this.#store = options.store;
    this.#specs = new PoolSpecs(options.config);
    this.#quotas = new Quotas(options.config, options.store);
    this.#changes = new PoolChanges(this.#specs, this.#quotas);
    this.#permissions = options.permissions;
    this.#catalog = options.catalog;
    this.#auditor = options.auditor;
    this.#logger = options.logger;
    this.#onChange = options.onChange ?? (() => {});
  }

  async #assertTeamExists(team: string, credentials: BackstageCredentials) {
    const entity = await this.#catalog.getEntityByRef(`group:default/${team}`, {
      credentials,
    });
    if (!entity) {
      throw new InputError(
        `team: there is no team '${team}' in the catalog; use the name of a catalog Group, e.g. 'payments'`,
      );
    }
  }

  async listPools(
    credentials: BackstageCredentials,
    filter: { team?: string } = {},
  ) {
    const allowed = await this.#permissions.filter(
      runnersPoolReadPermission,
      credentials,
    );
    const pools = await this.#store.listPools(
      filter.team ? { teams: [filter.team] } : {},
    );
    return pools.filter(allowed).map(toApiPool);
  }

  /** A pool the caller may read, with its entity tag; 404 when it does not exist (any more). */
  async getPool(id: string, credentials: BackstageCredentials) {
    const pool = await this.#store.getPool(id);
    if (!pool || pool.deletedAt)
      throw new NotFoundError(`pool '${id}' does not exist`);
    await this.#permissions.assert(
      runnersPoolReadPermission,
      pool,
      credentials,
    );
    return { pool: toApiPool(pool), etag: poolETag(pool), record: pool };
  }

  async listEvents(id: string, credentials: BackstageCredentials) {
    return (await this.getPoolWithEvents(id, credentials)).events;
  }

  /** A pool and its state history, with one permission decision (the pool health page). */
  async getPoolWithEvents(id: string, credentials: BackstageCredentials) {
    const found = await this.getPool(id, credentials);
    return { ...found, events: await this.#store.listEvents(id) };
  }

  async createPool(
    input: PoolSpecInput,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    options: { dryRun?: boolean } = {},
  ): Promise<PoolChange> {
    const actor = credentials.principal.userEntityRef;
    const spec = this.#specs.normalize(input);
    const run = async () => {
      await this.#permissions.assertBasic(
        runnersPoolCreatePermission,
        credentials,
        'you may not create runner pools',
      );
      if (
        !(await this.#permissions.allowsTeam(
          runnersPoolUpdatePermission,
          spec.team,
          credentials,
        ))
      ) {
        throw new NotAllowedError(
          `you may create pools only for your own teams; you are not a member of '${spec.team}'`,
        );
      }
      this.#specs.assertValid(spec);
      await this.#assertTeamExists(spec.team, credentials);
      const resolved = this.#specs.resolve(spec);
      return this.#store.withTeam(spec.team, async tx => {
        if (await tx.findPool(spec.name)) {
          throw new ConflictError(
            `team '${spec.team}' already has a pool named '${spec.name}'; pick another name`,
          );
        }
        // Over quota is a question for the platform team, not a refusal. A request over quota
        // reserves nothing while it waits, so it never blocks the team's requests that fit.
        const quota = await this.#quotas.check(
          tx,
          spec.team,
          resolved.reservation,
        );
        const reasons: ApprovalReason[] = quota.fits
          ? resolved.approvalReasons
          : [...resolved.approvalReasons, 'over-quota'];
        const waits = reasons.length > 0;
        const overQuota = quota.fits
          ? ''
          : `, over quota (${describeOverQuota(quota)})`;
        const record = {
          id: randomUUID(),
          team: spec.team,
          name: spec.name,
          spec,
          flavor: resolved.flavor,
          reserved: quota.fits ? resolved.reservation : NOTHING_RESERVED,
          state: waits
            ? ('pending-approval' as const)
            : ('provisioning' as const),
          stateCode: waits
            ? ('AwaitingApproval' as const)
            : ('Requested' as const),
          stateReason: waits
            ? `waiting for the platform team to approve ${describeFlavor(
                resolved.flavor,
              )}${overQuota}`
            : 'registering the GitLab runner and creating the VMs',
          createdBy: actor,
        };
        if (options.dryRun) {
          const now = new Date().toISOString();
          return {
            pool: toApiPool({
              ...record,
              generation: 1,
              observedGeneration: 0,
              version: 1,
              createdAt: now,
              updatedAt: now,
            }),
          };
        }
        const pool = await tx.insertPool(record);
        const request = waits
          ? await tx.insertRequest({
              poolId: pool.id,
              team: spec.team,
              poolName: spec.name,
              reasons,
              summary: `new pool with ${describeFlavor(
                resolved.flavor,
              )}${overQuota}`,
              requestedBy: actor,
            })
          : undefined;
        return { pool: toApiPool(pool), request };
      });
    };
    if (options.dryRun) return run();
    const change = await audited(
      this.#auditor,
      'pool-create',
      credentials,
      { team: spec.team, pool: spec.name },
      run,
    );
    this.#logger.info(
      `pool ${change.pool.team}/${change.pool.name} created by ${actor}: ${change.pool.state}`,
    );
    this.#onChange(change.pool.id);
    return change;
  }

  /**
   * Changes a pool. The change is merged onto the newest intent (a change that waits for
   * approval included) inside the team's transaction and written only if the pool is still as
   * read; `ifMatch` (the entity tag the client read) makes it fail with 412 when anything else
   * changed the pool since.
   */
  async updatePool(
    id: string,
    update: PoolUpdateInput,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    options: { ifMatch?: string } = {},
  ): Promise<PoolChange & { etag: string }> {
    const actor = credentials.principal.userEntityRef;
    const { record: before } = await this.getPool(id, credentials);
    const change = await audited(
      this.#auditor,
      'pool-update',
      credentials,
      { team: before.team, pool: before.name, poolId: id },
      async () => {
        await this.#permissions.assert(
          runnersPoolUpdatePermission,
          before,
          credentials,
        );
        return this.#onFreshPool(before, options.ifMatch, (tx, current) =>
          this.#changes.update(tx, current, update, actor),
        );
      },
    );
    this.#onChange(id);
    return {
      pool: toApiPool(change.pool),
      request: change.request,
      etag: poolETag(change.pool),
    };
  }

  /**
   * Deletes a pool. By default its runner is paused and running jobs finish first (the pool says
   * "draining"); `force` (platform members) deletes now and cuts them.
   */
  async deletePool(
    id: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    options: { force?: boolean; ifMatch?: string } = {},
  ) {
    const actor = credentials.principal.userEntityRef;
    const { record: before } = await this.getPool(id, credentials);
    const force = options.force ?? false;
    const pool = await audited(
      this.#auditor,
      force ? 'pool-delete-now' : 'pool-delete',
      credentials,
      { team: before.team, pool: before.name, poolId: id },
      async () => {
        await this.#permissions.assert(
          runnersPoolDeletePermission,
          before,
          credentials,
        );
        if (force) {
          await this.#permissions.assertBasic(
            runnersPoolForceDeletePermission,
            credentials,
            'only the platform team may delete a pool now and cut its running jobs; delete without force to let them finish',
          );
        }
        return this.#onFreshPool(before, options.ifMatch, (tx, current) =>
          this.#changes.delete(tx, current, actor, force),
        );
      },
    );
    this.#onChange(id);
    return toApiPool(pool);
  }

  /**
   * Runs `change` in the pool's team transaction on the pool as stored now (checked against
   * the client's `If-Match`), again whenever its conditional write loses a race.
   */
  #onFreshPool<T>(
    before: PoolRecord,
    ifMatch: string | undefined,
    change: (tx: TeamTransaction, current: PoolRecord) => Promise<T>,
  ): Promise<T> {
    return untilWritten(`pool '${before.name}'`, () =>
      this.#store.withTeam(before.team, async tx => {
        const current = await tx.getPool(before.id);
        if (!current || current.deletedAt)
          throw new NotFoundError(`pool '${before.id}' does not exist`);
        this.#assertIfMatch(current, ifMatch);
        return change(tx, current);
      }),
    );
  }

  #assertIfMatch(current: PoolRecord, ifMatch?: string) {
    if (ifMatch === undefined) return;
    if (!ifMatchAllows(ifMatch, poolETag(current))) {
      throw new PreconditionFailedError(
        `pool '${
          current.name
        }' changed since you read it (its entity tag is now ${poolETag(
          current,
        )}); read it again and reapply your change`,
      );
    }
  }
}
