import { createHash } from 'node:crypto';
import { PoolRecord } from '../database/PoolStore';

/**
 * The entity tag of what a client may change on a pool: its spec, a change waiting for approval
 * and its lifecycle around approval. It does not change when only the reconciler's status does,
 * so a client's `If-Match` fails only when another change landed.
 */
export function poolETag(
  pool: Pick<PoolRecord, 'generation' | 'spec' | 'pendingSpec' | 'state'>,
): string {
  const phase =
    pool.state === 'pending-approval' ||
    pool.state === 'rejected' ||
    pool.state === 'deleting'
      ? pool.state
      : 'live';
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        pool.generation,
        pool.spec,
        pool.pendingSpec ?? null,
        phase,
      ]),
    )
    .digest('base64url')
    .slice(0, 22);
  return `"${hash}"`;
}

/** Whether an `If-Match` header (`*`, or a list of tags, weak or strong) allows `etag`. */
export function ifMatchAllows(header: string, etag: string): boolean {
  return header
    .split(',')
    .map(tag => tag.trim().replace(/^W\//, ''))
    .some(tag => tag === '*' || tag === etag);
}
