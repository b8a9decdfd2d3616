import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  ApprovalReason,
  ApprovalRequest,
  customFlavorNeedsApproval,
  FieldError,
  Flavor,
  Pool,
  PoolSpec,
  poolReservation,
  Quota,
  QuotaUsage,
  runnersFleetReadPermission,
  runnersPoolCreatePermission,
  runnersPoolDeletePermission,
  runnersPoolReadPermission,
  runnersPoolUpdatePermission,
  runnersRequestApprovePermission,
  toCustomFlavor,
  validatePoolSpec,
} from '@runner-fleet/plugin-runners-common';
import { teamOfGroupRef } from '@runner-fleet/plugin-runners-node';
import { randomUUID } from 'node:crypto';
import { RunnersConfig } from '../config';
import { PoolRecord, PoolStore, TeamTransaction } from '../database/PoolStore';
import { normalizePoolSpec, PoolSpecInput } from './normalize';
import { PoolPermissions } from './PoolPermissions';

/** A pool and, when it waits for approval, the request. */
export interface PoolChange {
  pool: Pool;
  request?: ApprovalRequest;
}

/** The outcome of checking a spec without changing anything. */
export interface PoolValidation {
  errors: FieldError[];
  needsApproval: boolean;
  approvalReasons: ApprovalReason[];
  flavor?: Flavor;
  reservation?: { cpu: number; memoryGiB: number };
  quota?: QuotaUsage;
}

/** Fields of a pool a team may change after creation. */
export interface PoolUpdateInput {
  description?: string;
  flavor?: PoolSpec['flavor'];
  autoscaling?: PoolSpecInput['autoscaling'];
  tags?: string[];
  runUntagged?: boolean;
}

/** What the API shows of a stored pool. */
export function toApiPool(
  record: PoolRecord,
): Pool & { pendingSpec?: PoolSpec } {
  const { reserved: _reserved, deletedAt: _deletedAt, ...pool } = record;
  return pool;
}

/**
 * Pool requests, changes, approvals and quotas: authorises, validates, checks quota inside the
 * team's transaction, records the change, audits it and kicks the reconciler.
 */
export class PoolService {
  readonly #store: PoolStore;
  readonly #config: RunnersConfig;
  readonly #permissions: PoolPermissions;
  readonly #userInfo: UserInfoService;
  readonly #catalog: CatalogService;
  readonly #auditor: AuditorService;
  readonly #logger: LoggerService;
  readonly #onChange: (poolId: string) => void;

  static create(options: {
    store: PoolStore;
    config: RunnersConfig;
    permissions: PoolPermissions;
    userInfo: UserInfoService;
    catalog: CatalogService;
    auditor: AuditorService;
    logger: LoggerService;
    onChange?: (poolId: string) => void;
  }) {
    return new PoolService(options);
  }

  private constructor(options: Parameters<typeof PoolService.create>[0]) {
    this.#store = options.store;
    this.#config = options.config;
    this.#permissions = options.permissions;
    this.#userInfo = options.userInfo;
    this.#catalog = options.catalog;
    this.#auditor = options.auditor;
    this.#logger = options.logger;
    this.#onChange = options.onChange ?? (() => {});
  }

  quotaOf(team: string): Quota {
    return this.#config.quotas.teams[team] ?? this.#config.quotas.default;
  }

  /** The teams (catalog group names) the caller belongs to. */
  async teamsOf(credentials: BackstageCredentials<BackstageUserPrincipal>) {
    const info = await this.#userInfo.getUserInfo(credentials);
    return info.ownershipEntityRefs.flatMap(ref => teamOfGroupRef(ref) ?? []);
  }

  #resolveFlavor(spec: PoolSpec): {
    flavor: Flavor;
    reasons: ApprovalReason[];
  } {
    if (typeof spec.flavor === 'string') {
      const flavor = this.#config.catalog.flavors.find(
        f => f.name === spec.flavor,
      );
      if (!flavor)
        throw new InputError(`flavor '${spec.flavor}' does not exist`);
      return { flavor, reasons: [] };
    }
    const custom = this.#config.catalog.custom;
    return {
      flavor: toCustomFlavor(spec.flavor, custom),
      reasons: customFlavorNeedsApproval(spec.flavor, custom)
        ? ['custom-flavor']
        : [],
    };
  }

  #assertValid(spec: PoolSpec) {
    const errors = validatePoolSpec(spec, this.#config.catalog);
    if (errors.length) {
      throw new InputError(
        errors.map(e => `${e.field}: ${e.message}`).join('; '),
      );
    }
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

  async #assertQuota(
    tx: TeamTransaction,
    team: string,
    reservation: { cpu: number; memoryGiB: number },
    excludePoolId?: string,
  ) {
    const usage = await tx.usage({ excludePoolId });
    const limits = this.quotaOf(team);
    const problems: string[] = [];
    if (usage.cpu + reservation.cpu > limits.maxCpu) {
      problems.push(
        `vCPU: ${usage.cpu} in use + ${reservation.cpu} requested > limit ${limits.maxCpu}`,
      );
    }
    if (usage.memoryGiB + reservation.memoryGiB > limits.maxMemoryGiB) {
      problems.push(
        `memory: ${usage.memoryGiB} GiB in use + ${reservation.memoryGiB} GiB requested > limit ${limits.maxMemoryGiB} GiB`,
      );
    }
    if (!excludePoolId && usage.pools + 1 > limits.maxPools) {
      problems.push(
        `pools: ${usage.pools} of ${limits.maxPools} already exist`,
      );
    }
    if (problems.length) {
      throw new ConflictError(
        `quota of team '${team}' exceeded (${problems.join(
          '; ',
        )}); lower maxReplicas, pick a smaller flavor, delete a pool, or ask the platform team to raise the quota`,
      );
    }
  }

  async #audited<T>(
    eventId: string,
    credentials: BackstageCredentials,
    meta: Record<string, unknown>,
    fn: () => Promise<T>,
  ): Promise<T> {
    const event = await this.#auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      meta: { ...meta, actor: principalRef(credentials) },
    });
    try {
      const result = await fn();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  listFlavors() {
    return this.#config.catalog;
  }

  /** Checks a spec for the portal form: field errors, approval, quota impact. */
  async validate(
    input: PoolSpecInput,
    credentials: BackstageCredentials,
  ): Promise<PoolValidation> {
    const spec = normalizePoolSpec(input, this.#config.autoscaling);
    const errors = validatePoolSpec(spec, this.#config.catalog);
    if (
      errors.some(e => e.field === 'flavor' || e.field.startsWith('flavor.'))
    ) {
      return { errors, needsApproval: false, approvalReasons: [] };
    }
    const { flavor, reasons } = this.#resolveFlavor(spec);
    const reservation = poolReservation(flavor, spec.autoscaling);
    let quota: QuotaUsage | undefined;
    if (
      await this.#permissions.allows(
        runnersPoolReadPermission,
        { id: '', team: spec.team },
        credentials,
      )
    ) {
      quota = await this.quotaUsage(spec.team);
      const taken = (await this.#store.listPools({ teams: [spec.team] })).some(
        p => p.name === spec.name,
      );
      if (taken) {
        errors.push({
          field: 'name',
          message: `team '${spec.team}' already has a pool named '${spec.name}'; pick another name`,
        });
      }
    }
    return {
      errors,
      needsApproval: reasons.length > 0,
      approvalReasons: reasons,
      flavor,
      reservation,
      quota,
    };
  }

  async quotaUsage(team: string): Promise<QuotaUsage> {
    const used = await this.#store.withTeam(team, tx => tx.usage());
    return { team, limits: this.quotaOf(team), used };
  }

  async listQuotas(
    credentials: BackstageCredentials,
    team?: string,
  ): Promise<QuotaUsage[]> {
    const canSeeAll = await this.#permissions.allowsBasic(
      runnersFleetReadPermission,
      credentials,
    );
    let teams: string[];
    if (canSeeAll) {
      const pools = await this.#store.listPools();
      const own = isUser(credentials) ? await this.teamsOf(credentials) : [];
      teams = [
        ...new Set([
          ...Object.keys(this.#config.quotas.teams),
          ...pools.map(p => p.team),
          ...own,
        ]),
      ];
    } else if (isUser(credentials)) {
      teams = await this.teamsOf(credentials);
    } else {
      teams = [];
    }
    if (team) teams = teams.filter(t => t === team);
    return Promise.all(teams.sort().map(t => this.quotaUsage(t)));
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

  async getPool(id: string, credentials: BackstageCredentials) {
    const pool = await this.#store.getPool(id);
    if (!pool || pool.deletedAt)
      throw new NotFoundError(`pool '${id}' does not exist`);
    await this.#permissions.assert(
      runnersPoolReadPermission,
      pool,
      credentials,
    );
    return pool;
  }

  async listEvents(id: string, credentials: BackstageCredentials) {
    await this.getPool(id, credentials);
    return this.#store.listEvents(id);
  }

  /** The pool's state history, for callers that already checked read access. */
  listEventsUnchecked(id: string) {
    return this.#store.listEvents(id);
  }

  async createPool(
    input: PoolSpecInput,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    options: { dryRun?: boolean } = {},
  ): Promise<PoolChange> {
    const actor = credentials.principal.userEntityRef;
    const spec = normalizePoolSpec(input, this.#config.autoscaling);
    const run = async () => {
      await this.#permissions.assertBasic(
        runnersPoolCreatePermission,
        credentials,
        'you may not create runner pools',
      );
      const id = randomUUID();
      if (
        !(await this.#permissions.allows(
          runnersPoolUpdatePermission,
          { id, team: spec.team },
          credentials,
        ))
      ) {
        throw new NotAllowedError(
          `you may create pools only for your own teams; you are not a member of '${spec.team}'`,
        );
      }
      this.#assertValid(spec);
      await this.#assertTeamExists(spec.team, credentials);
      const { flavor, reasons } = this.#resolveFlavor(spec);
      const reservation = poolReservation(flavor, spec.autoscaling);
      const waits = reasons.length > 0;
      return this.#store.withTeam(spec.team, async tx => {
        if (await tx.findPool(spec.name)) {
          throw new ConflictError(
            `team '${spec.team}' already has a pool named '${spec.name}'; pick another name`,
          );
        }
        await this.#assertQuota(tx, spec.team, reservation);
        const record = {
          id,
          team: spec.team,
          name: spec.name,
          spec,
          flavor,
          reserved: reservation,
          state: waits
            ? ('pending-approval' as const)
            : ('provisioning' as const),
          stateReason: waits
            ? `waiting for the platform team to approve ${describeFlavor(
                flavor,
              )}`
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
              createdAt: now,
              updatedAt: now,
            }),
          };
        }
        const pool = await tx.insertPool(record);
        const request = waits
          ? await tx.insertRequest({
              poolId: id,
              team: spec.team,
              poolName: spec.name,
              reasons,
              summary: `new pool with ${describeFlavor(flavor)}`,
              requestedBy: actor,
            })
          : undefined;
        return { pool: toApiPool(pool), request };
      });
    };
    if (options.dryRun) return run();
    const change = await this.#audited(
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

  async updatePool(
    id: string,
    update: PoolUpdateInput,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<PoolChange> {
    const actor = credentials.principal.userEntityRef;
    const current = await this.getPool(id, credentials);
    const change = await this.#audited(
      'pool-update',
      credentials,
      { team: current.team, pool: current.name, poolId: id },
      async () => {
        await this.#permissions.assert(
          runnersPoolUpdatePermission,
          current,
          credentials,
        );
        if (current.state === 'deleting')
          throw new ConflictError(`pool '${current.name}' is being deleted`);
        const spec = normalizePoolSpec(
          {
            ...current.spec,
            description: update.description ?? current.spec.description,
            flavor: update.flavor ?? current.spec.flavor,
            autoscaling: { ...current.spec.autoscaling, ...update.autoscaling },
            gitlab: {
              scope: current.spec.gitlab.scope,
              tags: update.tags ?? current.spec.gitlab.tags,
              runUntagged:
                update.runUntagged ?? current.spec.gitlab.runUntagged,
            },
          },
          this.#config.autoscaling,
        );
        this.#assertValid(spec);
        const { flavor, reasons } = this.#resolveFlavor(spec);
        const flavorChanged =
          JSON.stringify(spec.flavor) !== JSON.stringify(current.spec.flavor);
        const waits = flavorChanged && reasons.length > 0;
        const reservation = poolReservation(flavor, spec.autoscaling);
        return this.#store.withTeam(current.team, async tx => {
          await this.#assertQuota(tx, current.team, reservation, id);
          await tx.cancelPendingRequests(
            id,
            actor,
            'superseded by a newer change',
          );
          if (waits) {
            const pool = await tx.updatePool(
              id,
              { pendingSpec: spec },
              {
                state:
                  current.state === 'pending-approval'
                    ? 'pending-approval'
                    : current.state,
                reason: `change to ${describeFlavor(
                  flavor,
                )} waits for approval; the pool keeps running as it is`,
                actor,
              },
            );
            const request = await tx.insertRequest({
              poolId: id,
              team: current.team,
              poolName: current.name,
              reasons,
              summary: `change to ${describeFlavor(flavor)}`,
              requestedBy: actor,
            });
            return { pool: toApiPool(pool), request };
          }
          const pending = current.state === 'pending-approval';
          const pool = await tx.updatePool(
            id,
            {
              spec,
              flavor,
              reserved: reservation,
              pendingSpec: null,
              bumpGeneration: true,
            },
            pending
              ? {
                  state: 'provisioning',
                  reason: 'the change needs no approval any more; provisioning',
                  actor,
                }
              : {
                  state: 'provisioning',
                  reason: `applying generation ${current.generation + 1}`,
                  actor,
                },
          );
          return { pool: toApiPool(pool) };
        });
      },
    );
    this.#onChange(id);
    return change;
  }

  async deletePool(
    id: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ) {
    const actor = credentials.principal.userEntityRef;
    const current = await this.getPool(id, credentials);
    const pool = await this.#audited(
      'pool-delete',
      credentials,
      { team: current.team, pool: current.name, poolId: id },
      async () => {
        await this.#permissions.assert(
          runnersPoolDeletePermission,
          current,
          credentials,
        );
        return this.#store.withTeam(current.team, async tx => {
          await tx.cancelPendingRequests(id, actor, 'the pool was deleted');
          return tx.updatePool(
            id,
            { pendingSpec: null },
            {
              state: 'deleting',
              reason: 'removing VMs, scalers, secrets and the GitLab runner',
              actor,
            },
          );
        });
      },
    );
    this.#onChange(id);
    return toApiPool(pool);
  }

  async listRequests(
    credentials: BackstageCredentials,
    filter: { status?: ApprovalRequest['status'] } = {},
  ) {
    const all = await this.#store.listRequests({ status: filter.status });
    if (
      await this.#permissions.allowsBasic(
        runnersRequestApprovePermission,
        credentials,
      )
    )
      return all;
    const allowed = await this.#permissions.filter(
      runnersPoolReadPermission,
      credentials,
    );
    return all.filter(r => allowed({ id: r.poolId, team: r.team }));
  }

  async decideRequest(
    id: string,
    decision: { approve: boolean; reason?: string },
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<ApprovalRequest> {
    const actor = credentials.principal.userEntityRef;
    const request = await this.#store.getRequest(id);
    if (!request) throw new NotFoundError(`request '${id}' does not exist`);
    const eventId = decision.approve ? 'request-approve' : 'request-reject';
    const decided = await this.#audited(
      eventId,
      credentials,
      { requestId: id, team: request.team, pool: request.poolName },
      async () => {
        await this.#permissions.assertBasic(
          runnersRequestApprovePermission,
          credentials,
          'only the platform team approves or rejects requests',
        );
        return this.#store.withTeam(request.team, async tx => {
          const result = await tx.decideRequest(id, {
            status: decision.approve ? 'approved' : 'rejected',
            by: actor,
            reason: decision.reason,
          });
          const pool = await tx.getPool(request.poolId);
          if (!pool) return result;
          if (pool.state === 'pending-approval' && !pool.pendingSpec) {
            await tx.updatePool(
              pool.id,
              {},
              decision.approve
                ? {
                    state: 'provisioning',
                    reason: `approved by ${actor}; registering the GitLab runner and creating the VMs`,
                    actor,
                  }
                : {
                    state: 'rejected',
                    reason: `rejected by ${actor}: ${
                      decision.reason ?? 'no reason given'
                    }`,
                    actor,
                  },
            );
          } else if (pool.pendingSpec) {
            if (decision.approve) {
              const { flavor } = this.#resolveFlavor(pool.pendingSpec);
              const reservation = poolReservation(
                flavor,
                pool.pendingSpec.autoscaling,
              );
              await this.#assertQuota(tx, pool.team, reservation, pool.id);
              await tx.updatePool(
                pool.id,
                {
                  spec: pool.pendingSpec,
                  pendingSpec: null,
                  flavor,
                  reserved: reservation,
                  bumpGeneration: true,
                },
                {
                  state: 'provisioning',
                  reason: `approved by ${actor}; applying generation ${
                    pool.generation + 1
                  }`,
                  actor,
                },
              );
            } else {
              await tx.updatePool(
                pool.id,
                { pendingSpec: null },
                {
                  state: pool.state,
                  reason: `change rejected by ${actor}: ${
                    decision.reason ?? 'no reason given'
                  }; the pool keeps running as it is`,
                  actor,
                },
              );
            }
          }
          return result;
        });
      },
    );
    this.#onChange(request.poolId);
    return decided;
  }
}

function describeFlavor(flavor: Flavor): string {
  return `${flavor.custom ? 'custom flavor' : `flavor ${flavor.name}`} (${
    flavor.cpu
  } vCPU / ${flavor.memoryGiB} GiB)`;
}

function isUser(
  credentials: BackstageCredentials,
): credentials is BackstageCredentials<BackstageUserPrincipal> {
  return (credentials.principal as { type?: string }).type === 'user';
}

function principalRef(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return p.userEntityRef ?? p.subject ?? p.type;
}
