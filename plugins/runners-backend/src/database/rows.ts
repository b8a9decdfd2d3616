import {
  ApprovalRequest,
  ApprovalStatus,
  defaultReasonCode,
  PoolState,
  toPoolReasonCode,
} from '@runner-fleet/plugin-runners-common';
import { PoolRecord } from './PoolStore';

/** A `runners_pools` row as the database returns it. */
export type PoolRow = {
  id: string;
  team: string;
  name: string;
  active_name: string | null;
  spec: string;
  pending_spec: string | null;
  flavor: string;
  /** JSON of the pinned golden image version; null when none (added later: may be absent). */
  golden_image?: string | null;
  reserved_cpu: number;
  reserved_memory_gib: number;
  state: string;
  state_reason: string;
  state_code: string | null;
  generation: number;
  observed_generation: number;
  version: number;
  gitlab_runner_id: number | string | null;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  deleted_at: Date | string | null;
  delete_requested_at: Date | string | null;
  delete_force: boolean | number;
};

/** A `runners_requests` row joined with its pool's name. */
export type RequestRow = {
  id: string;
  pool_id: string;
  team: string;
  reasons: string;
  summary: string;
  status: string;
  requested_by: string;
  requested_at: Date | string;
  decided_by: string | null;
  decided_at: Date | string | null;
  decision_reason: string | null;
  pool_name?: string;
};

/** A stored timestamp as ISO 8601 (SQLite returns epoch milliseconds, PostgreSQL a Date). */
export const iso = (v: Date | string | number) => new Date(v).toISOString();

/** The record a row holds. */
export function toPool(row: PoolRow): PoolRecord {
  return {
    id: row.id,
    team: row.team,
    name: row.name,
    spec: JSON.parse(row.spec),
    pendingSpec: row.pending_spec ? JSON.parse(row.pending_spec) : undefined,
    flavor: JSON.parse(row.flavor),
    goldenImage: row.golden_image ? JSON.parse(row.golden_image) : undefined,
    reserved: { cpu: row.reserved_cpu, memoryGiB: row.reserved_memory_gib },
    state: row.state as PoolState,
    stateReason: row.state_reason,
    stateCode: row.state_code
      ? toPoolReasonCode(row.state_code)
      : defaultReasonCode(row.state as PoolState),
    generation: row.generation,
    observedGeneration: row.observed_generation,
    version: Number(row.version),
    gitlabRunnerId:
      row.gitlab_runner_id === null ? undefined : Number(row.gitlab_runner_id),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    deletedAt: row.deleted_at ? iso(row.deleted_at) : undefined,
    deleteRequestedAt: row.delete_requested_at
      ? iso(row.delete_requested_at)
      : undefined,
    deleteForce: Boolean(row.delete_force),
  };
}

/** The request a row holds. */
export function toRequest(row: RequestRow): ApprovalRequest {
  return {
    id: row.id,
    poolId: row.pool_id,
    team: row.team,
    poolName: row.pool_name ?? '',
    reasons: JSON.parse(row.reasons),
    summary: row.summary,
    status: row.status as ApprovalStatus,
    requestedBy: row.requested_by,
    requestedAt: iso(row.requested_at),
    decidedBy: row.decided_by ?? undefined,
    decidedAt: row.decided_at ? iso(row.decided_at) : undefined,
    decisionReason: row.decision_reason ?? undefined,
  };
}
