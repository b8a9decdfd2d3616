import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ApprovalRequest,
  ApprovalStatus,
  FINAL_POOL_STATES,
  defaultReasonCode,
  PoolEvent,
  poolReservation,
  PoolState,
  toPoolReasonCode,
} from '@runner-fleet/plugin-runners-common';
import { isDatabaseConflictError } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { migratedClient } from './migrations';
import { randomUUID } from 'node:crypto';
import {
  NewApprovalRequest,
  NewPool,
  PoolPatch,
  PoolRecord,
  PoolStore,
  PoolTransition,
  TeamTransaction,
  TeamUsage,
} from './PoolStore';
import { DatabaseReconcileQueue, enqueuePool } from './DatabaseReconcileQueue';
import { pruneDeletedPools, pruneEvents } from './retention';
import { iso, PoolRow, RequestRow, toPool, toRequest } from './rows';

/**
 * {@link PoolStore} on the plugin's database (SQLite or PostgreSQL), migrated on create.
 *
 * @public
 */
export class DatabasePoolStore implements PoolStore {
  readonly #db: Knex;
  readonly #clock: () => Date;

  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    clock?: () => Date;
  }): Promise<DatabasePoolStore> {
    const db = await migratedClient(options);
    return new DatabasePoolStore(db, options.clock ?? (() => new Date()));
  }

  private constructor(db: Knex, clock: () => Date) {
    this.#db = db;
    this.#clock = clock;
  }

  async withTeam<T>(
    team: string,
    fn: (tx: TeamTransaction) => Promise<T>,
  ): Promise<T> {
    return this.#db.transaction(async trx => {
      await trx('runners_team_locks')
        .insert({ team })
        .onConflict('team')
        .ignore();
      if (trx.client.config.client === 'pg') {
        await trx('runners_team_locks').where({ team }).forUpdate().first();
      }
      return fn(this.#teamTransaction(trx, team));
    });
  }

  #teamTransaction(trx: Knex.Transaction, team: string): TeamTransaction {
    return {
      usage: options => this.#usage(trx, team, options?.excludePoolId),
      findPool: async name => {
        const row = await trx<PoolRow>('runners_pools')
          .where({ team, active_name: name })
          .first();
        return row && toPool(row);
      },
      getPool: id => this.#getPool(trx, id),
      insertPool: pool => this.#insertPool(trx, pool),
      updatePool: (id, expectedVersion, patch, transition) =>
        this.#updatePool(trx, id, expectedVersion, patch, transition),
      enqueue: poolId => enqueuePool(trx, poolId, this.#clock()),
      insertRequest: request => this.#insertRequest(trx, request),
      cancelPendingRequests: async (poolId, actor, reason) => {
        await trx('runners_requests')
          .where({ pool_id: poolId, status: 'pending' })
          .update({
            status: 'rejected',
            decided_by: actor,
            decided_at: this.#clock(),
            decision_reason: reason,
          });
      },
      decideRequest: (id, decision) => this.#decideRequest(trx, id, decision),
    };
  }

  async #usage(
    db: Knex,
    team: string,
    excludePoolId?: string,
  ): Promise<TeamUsage> {
    const query = db('runners_pools')
      .where({ team })
      .whereNull('deleted_at')
      .whereNotIn('state', [...FINAL_POOL_STATES])
      // A request over quota reserves nothing while it waits, nor while it is withdrawn
      // (deleting): it is not one of the pools. Every other pool reserves at least one vCPU.
      .where(q =>
        q.where('reserved_cpu', '>', 0).orWhere('reserved_memory_gib', '>', 0),
      );
    if (excludePoolId) query.whereNot({ id: excludePoolId });
    const [row] = await query
      .clone()
      .sum({ cpu: 'reserved_cpu', memory: 'reserved_memory_gib' })
      .count({ pools: 'id' });
    // Clone storage is derived from each pool's flavor and maximum, not stored: few rows per team.
    const pools: Array<Pick<PoolRow, 'flavor' | 'spec'>> = await query.select(
      'flavor',
      'spec',
    );
    const storageGiB = pools.reduce((sum, p) => {
      const flavor = JSON.parse(p.flavor) as PoolRecord['flavor'];
      const spec = JSON.parse(p.spec) as PoolRecord['spec'];
      return sum + poolReservation(flavor, spec.autoscaling).storageGiB;
    }, 0);
    return {
      cpu: Number(row?.cpu ?? 0),
      memoryGiB: Number(row?.memory ?? 0),
      pools: Number(row?.pools ?? 0),
      storageGiB,
    };
  }

  async #insertPool(trx: Knex, pool: NewPool): Promise<PoolRecord> {
    const now = this.#clock();
    try {
      await trx('runners_pools').insert({
        id: pool.id,
        team: pool.team,
        name: pool.name,
        active_name: pool.name,
        spec: JSON.stringify(pool.spec),
        pending_spec: pool.pendingSpec
          ? JSON.stringify(pool.pendingSpec)
          : null,
        flavor: JSON.stringify(pool.flavor),
        golden_image: pool.goldenImage
          ? JSON.stringify(pool.goldenImage)
          : null,
        reserved_cpu: pool.reserved.cpu,
        reserved_memory_gib: pool.reserved.memoryGiB,
        state: pool.state,
        state_reason: pool.stateReason,
        state_code: pool.stateCode,
        generation: 1,
        observed_generation: 0,
        version: 1,
        gitlab_runner_id: pool.gitlabRunnerId ?? null,
        created_by: pool.createdBy,
        created_at: now,
        updated_at: now,
      });
    } catch (error) {
      if (isDatabaseConflictError(error)) {
        throw new ConflictError(
          `team '${pool.team}' already has a pool named '${pool.name}'; pick another name`,
        );
      }
      throw error;
    }
    await this.#insertEvent(trx, pool.id, {
      state: pool.state,
      reason: pool.stateReason,
      code: pool.stateCode,
      actor: pool.createdBy,
    });
    await enqueuePool(trx, pool.id, now);
    return (await this.#getPool(trx, pool.id))!;
  }

  async #updatePool(
    trx: Knex,
    id: string,
    expectedVersion: number,
    patch: PoolPatch,
    transition?: PoolTransition,
  ): Promise<PoolRecord | undefined> {
    const now = this.#clock();
    const update: Record<string, unknown> = {
      updated_at: now,
      version: expectedVersion + 1,
    };
    if (patch.spec) update.spec = JSON.stringify(patch.spec);
    if (patch.pendingSpec !== undefined) {
      update.pending_spec = patch.pendingSpec
        ? JSON.stringify(patch.pendingSpec)
        : null;
    }
    if (patch.flavor) update.flavor = JSON.stringify(patch.flavor);
    if (patch.goldenImage !== undefined) {
      update.golden_image = patch.goldenImage
        ? JSON.stringify(patch.goldenImage)
        : null;
    }
    if (patch.reserved) {
      update.reserved_cpu = patch.reserved.cpu;
      update.reserved_memory_gib = patch.reserved.memoryGiB;
    }
    if (patch.bumpGeneration) update.generation = trx.raw('generation + 1');
    if (patch.observedGeneration !== undefined)
      update.observed_generation = patch.observedGeneration;
    if (patch.gitlabRunnerId !== undefined)
      update.gitlab_runner_id = patch.gitlabRunnerId;
    if (patch.deleteRequested) {
      update.delete_requested_at = now;
      update.delete_force = patch.deleteRequested.force;
    }
    if (patch.deleted) {
      update.deleted_at = now;
      update.active_name = null;
    }
    if (transition) {
      update.state = transition.state;
      update.state_reason = transition.reason;
      update.state_code = transition.code;
    }
    const count = await trx('runners_pools')
      .where({ id, version: expectedVersion })
      .update(update);
    if (!count) {
      const exists = await trx('runners_pools').where({ id }).first('id');
      if (!exists) throw new NotFoundError(`pool '${id}' does not exist`);
      return undefined;
    }
    if (transition) await this.#insertEvent(trx, id, transition);
    return (await this.#getPool(trx, id))!;
  }

  async #insertEvent(trx: Knex, poolId: string, t: PoolTransition) {
    await trx('runners_pool_events').insert({
      pool_id: poolId,
      at: this.#clock(),
      state: t.state,
      reason: t.reason,
      code: t.code,
      actor: t.actor ?? null,
    });
  }

  async #insertRequest(
    trx: Knex,
    r: NewApprovalRequest,
  ): Promise<ApprovalRequest> {
    const id = randomUUID();
    await trx('runners_requests').insert({
      id,
      pool_id: r.poolId,
      team: r.team,
      reasons: JSON.stringify(r.reasons),
      summary: r.summary,
      status: 'pending',
      requested_by: r.requestedBy,
      requested_at: this.#clock(),
    });
    return (await this.#getRequest(trx, id))!;
  }

  async #decideRequest(
    trx: Knex,
    id: string,
    decision: { status: 'approved' | 'rejected'; by: string; reason?: string },
  ): Promise<ApprovalRequest> {
    const count = await trx('runners_requests')
      .where({ id, status: 'pending' })
      .update({
        status: decision.status,
        decided_by: decision.by,
        decided_at: this.#clock(),
        decision_reason: decision.reason ?? null,
      });
    const request = await this.#getRequest(trx, id);
    if (!request) throw new NotFoundError(`request '${id}' does not exist`);
    if (!count)
      throw new ConflictError(`request '${id}' was already ${request.status}`);
    return request;
  }

  async #getPool(db: Knex, id: string): Promise<PoolRecord | undefined> {
    const row = await db<PoolRow>('runners_pools').where({ id }).first();
    return row && toPool(row);
  }

  async #getRequest(
    db: Knex,
    id: string,
  ): Promise<ApprovalRequest | undefined> {
    const row = await this.#requestQuery(db).where('r.id', id).first();
    return row && toRequest(row);
  }

  #requestQuery(db: Knex) {
    return db<RequestRow>('runners_requests as r')
      .join('runners_pools as p', 'p.id', 'r.pool_id')
      .select('r.*', 'p.name as pool_name');
  }

  getPool(id: string) {
    return this.#getPool(this.#db, id);
  }

  async listPools(
    filter: {
      teams?: string[];
      states?: PoolState[];
      includeDeleted?: boolean;
    } = {},
  ) {
    const query = this.#db<PoolRow>('runners_pools').orderBy([
      { column: 'team' },
      { column: 'name' },
    ]);
    if (filter.teams) query.whereIn('team', filter.teams);
    if (filter.states) query.whereIn('state', filter.states);
    if (!filter.includeDeleted) query.whereNull('deleted_at');
    return (await query).map(toPool);
  }

  updatePool(
    id: string,
    expectedVersion: number,
    patch: PoolPatch,
    transition?: PoolTransition,
  ) {
    return this.#db.transaction(trx =>
      this.#updatePool(trx, id, expectedVersion, patch, transition),
    );
  }

  /** The reconcile work queue on the same database. */
  reconcileQueue(): DatabaseReconcileQueue {
    return DatabaseReconcileQueue.create({ db: this.#db, clock: this.#clock });
  }

  async listEvents(
    poolId: string,
    options: { limit?: number } = {},
  ): Promise<PoolEvent[]> {
    const rows = await this.#db('runners_pool_events')
      .where({ pool_id: poolId })
      .orderBy('id', 'desc')
      .limit(options.limit ?? 100);
    return rows.reverse().map(r => ({
      poolId: r.pool_id,
      at: iso(r.at),
      state: r.state,
      reason: r.reason,
      code: r.code ? toPoolReasonCode(r.code) : defaultReasonCode(r.state),
      actor: r.actor ?? undefined,
    }));
  }

  pruneEvents(options: { olderThan: Date; keepPerPool: number }) {
    return pruneEvents(this.#db, options);
  }

  pruneDeletedPools(options: { deletedBefore: Date }) {
    return pruneDeletedPools(this.#db, options);
  }

  getRequest(id: string) {
    return this.#getRequest(this.#db, id);
  }

  async listRequests(
    filter: { teams?: string[]; status?: ApprovalStatus } = {},
  ) {
    const query = this.#requestQuery(this.#db).orderBy(
      'r.requested_at',
      'desc',
    );
    if (filter.teams) query.whereIn('r.team', filter.teams);
    if (filter.status) query.where('r.status', filter.status);
    return (await query).map(toRequest);
  }
}
