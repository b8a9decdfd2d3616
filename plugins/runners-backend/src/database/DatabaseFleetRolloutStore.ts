import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  FleetRolloutPhase,
  FleetRolloutReason,
  FleetRolloutRecord,
  FleetRolloutStore,
  FleetRolloutWrite,
} from './FleetRolloutStore';
import { migratedClient } from './migrations';

const TABLE = 'runners_fleet_rollouts';
const FINISHED: FleetRolloutPhase[] = ['complete', 'aborted'];

type FleetRolloutRow = {
  id: string;
  version: number;
  flavor: string;
  target: string;
  /** Added later: absent in rows read before the migration ran. */
  target_golden_image?: string | null;
  phase: string;
  resume_phase: string | null;
  canary_pools: number;
  max_vm_percent: number;
  admitted: string;
  reason: string;
  message: string;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  finished_at: Date | string | null;
};

const iso = (v: Date | string) => new Date(v).toISOString();

function fromRow(row: FleetRolloutRow): FleetRolloutRecord {
  return {
    id: row.id,
    version: Number(row.version),
    flavor: row.flavor,
    target: JSON.parse(row.target),
    targetGoldenImage: row.target_golden_image
      ? JSON.parse(row.target_golden_image)
      : undefined,
    phase: row.phase as FleetRolloutPhase,
    resumePhase: (row.resume_phase ?? undefined) as
      | FleetRolloutRecord['resumePhase']
      | undefined,
    canaryPools: Number(row.canary_pools),
    maxVmPercent: Number(row.max_vm_percent),
    admitted: JSON.parse(row.admitted),
    reason: row.reason as FleetRolloutReason,
    message: row.message,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    finishedAt: row.finished_at ? iso(row.finished_at) : undefined,
  };
}

function toRow(
  w: FleetRolloutWrite,
): Omit<FleetRolloutRow, 'id' | 'version' | 'created_at' | 'updated_at'> {
  return {
    flavor: w.flavor,
    target: JSON.stringify(w.target),
    target_golden_image: w.targetGoldenImage
      ? JSON.stringify(w.targetGoldenImage)
      : null,
    phase: w.phase,
    resume_phase: w.resumePhase ?? null,
    canary_pools: w.canaryPools,
    max_vm_percent: w.maxVmPercent,
    admitted: JSON.stringify(w.admitted),
    reason: w.reason,
    message: w.message,
    created_by: w.createdBy,
    finished_at: w.finishedAt ? new Date(w.finishedAt) : null,
  };
}

/**
 * {@link FleetRolloutStore} on the plugin's database (SQLite or PostgreSQL). Writes are
 * compare-and-set on `version`, so two replicas never both advance a rollout from the same read.
 */
export class DatabaseFleetRolloutStore implements FleetRolloutStore {
  readonly #db: Knex;
  readonly #clock: () => Date;

  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    clock?: () => Date;
  }): Promise<DatabaseFleetRolloutStore> {
    const db = await migratedClient(options);
    return new DatabaseFleetRolloutStore(
      db,
      options.clock ?? (() => new Date()),
    );
  }

  private constructor(db: Knex, clock: () => Date) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(rollout: FleetRolloutWrite): Promise<FleetRolloutRecord> {
    const now = this.#clock();
    const id = randomUUID();
    await this.#db(TABLE).insert({
      ...toRow(rollout),
      id,
      version: 1,
      created_at: now,
      updated_at: now,
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<FleetRolloutRecord | undefined> {
    const row = await this.#db<FleetRolloutRow>(TABLE).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async list(filter?: { open?: boolean }): Promise<FleetRolloutRecord[]> {
    const query = this.#db<FleetRolloutRow>(TABLE)
      .orderBy('created_at', 'desc')
      .orderBy('id');
    if (filter?.open) query.whereNotIn('phase', FINISHED);
    return (await query).map(fromRow);
  }

  async update(
    id: string,
    expectedVersion: number,
    write: FleetRolloutWrite,
  ): Promise<FleetRolloutRecord | undefined> {
    const count = await this.#db(TABLE)
      .where({ id, version: expectedVersion })
      .update({
        ...toRow(write),
        version: expectedVersion + 1,
        updated_at: this.#clock(),
      });
    return count ? this.get(id) : undefined;
  }
}
