import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { migratedClient } from './migrations';
import {
  RolloutEvent,
  RolloutPhase,
  RolloutReason,
  RolloutRecord,
  RolloutStore,
  RolloutWrite,
} from './RolloutStore';

const TABLE = 'runners_rollouts';

type RolloutRow = {
  pool_id: string;
  version: number;
  phase: string;
  reason: string;
  message: string;
  target_hash: string | null;
  stable_hash: string | null;
  stable_spec: string | null;
  stable_flavor: string | null;
  /** Added later: absent in rows read before the migration ran. */
  stable_golden_image?: string | null;
  vms_outdated: number;
  vms_updated: number;
  vms_draining: number;
  vms_replaced: number;
  started_at: Date | string | null;
  progress_at: Date | string | null;
  finished_at: Date | string | null;
  updated_at: Date | string;
};

const iso = (v: Date | string | null) =>
  v === null ? undefined : new Date(v).toISOString();
const date = (v: string | undefined) => (v ? new Date(v) : null);

function fromRow(row: RolloutRow): RolloutRecord {
  return {
    poolId: row.pool_id,
    version: Number(row.version),
    phase: row.phase as RolloutPhase,
    reason: row.reason as RolloutReason,
    message: row.message,
    targetHash: row.target_hash ?? undefined,
    stableHash: row.stable_hash ?? undefined,
    stableSpec: row.stable_spec ? JSON.parse(row.stable_spec) : undefined,
    stableFlavor: row.stable_flavor ? JSON.parse(row.stable_flavor) : undefined,
    stableGoldenImage: row.stable_golden_image
      ? JSON.parse(row.stable_golden_image)
      : undefined,
    vms: {
      outdated: Number(row.vms_outdated),
      updated: Number(row.vms_updated),
      draining: Number(row.vms_draining),
    },
    replaced: Number(row.vms_replaced),
    startedAt: iso(row.started_at),
    progressAt: iso(row.progress_at),
    finishedAt: iso(row.finished_at),
    updatedAt: iso(row.updated_at)!,
  };
}

function toRow(r: RolloutWrite): Omit<RolloutRow, 'version' | 'updated_at'> {
  return {
    pool_id: r.poolId,
    phase: r.phase,
    reason: r.reason,
    message: r.message,
    target_hash: r.targetHash ?? null,
    stable_hash: r.stableHash ?? null,
    stable_spec: r.stableSpec ? JSON.stringify(r.stableSpec) : null,
    stable_flavor: r.stableFlavor ? JSON.stringify(r.stableFlavor) : null,
    stable_golden_image: r.stableGoldenImage
      ? JSON.stringify(r.stableGoldenImage)
      : null,
    vms_outdated: r.vms.outdated,
    vms_updated: r.vms.updated,
    vms_draining: r.vms.draining,
    vms_replaced: r.replaced,
    started_at: date(r.startedAt),
    progress_at: date(r.progressAt),
    finished_at: date(r.finishedAt),
  };
}

/**
 * {@link RolloutStore} on the plugin's database (SQLite or PostgreSQL). Writes are
 * compare-and-set on `version`, like pool writes, so two replicas never both advance a rollout
 * from the same read.
 */
export class DatabaseRolloutStore implements RolloutStore {
  readonly #db: Knex;
  readonly #clock: () => Date;

  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    clock?: () => Date;
  }): Promise<DatabaseRolloutStore> {
    const db = await migratedClient(options);
    return new DatabaseRolloutStore(db, options.clock ?? (() => new Date()));
  }

  private constructor(db: Knex, clock: () => Date) {
    this.#db = db;
    this.#clock = clock;
  }

  async get(poolId: string): Promise<RolloutRecord | undefined> {
    const row = await this.#db<RolloutRow>(TABLE)
      .where({ pool_id: poolId })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async list(): Promise<RolloutRecord[]> {
    const rows = await this.#db<RolloutRow>(TABLE).orderBy('pool_id');
    return rows.map(fromRow);
  }

  async save(
    record: RolloutWrite,
    expectedVersion: number | undefined,
    event?: RolloutEvent,
  ): Promise<RolloutRecord | undefined> {
    try {
      return await this.#write(record, expectedVersion, event);
    } catch (error) {
      // Two first writes raced (a unique violation on pool_id): the other one won.
      if (expectedVersion === undefined && (await this.get(record.poolId))) {
        return undefined;
      }
      throw error;
    }
  }

  async #write(
    record: RolloutWrite,
    expectedVersion: number | undefined,
    event?: RolloutEvent,
  ): Promise<RolloutRecord | undefined> {
    return this.#db.transaction(async trx => {
      const now = this.#clock();
      if (expectedVersion === undefined) {
        const exists = await trx(TABLE)
          .where({ pool_id: record.poolId })
          .first('pool_id');
        if (exists) return undefined;
        await trx(TABLE).insert({
          ...toRow(record),
          version: 1,
          updated_at: now,
        });
      } else {
        const count = await trx(TABLE)
          .where({ pool_id: record.poolId, version: expectedVersion })
          .update({
            ...toRow(record),
            version: expectedVersion + 1,
            updated_at: now,
          });
        if (!count) return undefined;
      }
      if (event) {
        await trx('runners_pool_events').insert({
          pool_id: record.poolId,
          at: now,
          state: event.state,
          reason: event.reason,
          actor: event.actor ?? null,
        });
      }
      const row = await trx<RolloutRow>(TABLE)
        .where({ pool_id: record.poolId })
        .first();
      return row ? fromRow(row) : undefined;
    });
  }
}
