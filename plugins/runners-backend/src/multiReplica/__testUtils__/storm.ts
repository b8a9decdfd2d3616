import { mockCredentials } from '@backstage/backend-test-utils';
import { Replica } from './replicas';

/** Who calls the API: a team's developer, or a platform member (approvals, fleet reads). */
export type Caller = { ref: string };

/** The last intent the API accepted for one pool; the pool must converge to it. */
export interface Intent {
  id: string;
  team: string;
  name: string;
  deleted: boolean;
  /** The request that waits for approval, until it is approved. */
  pendingRequest?: string;
  tags: string[];
  maxReplicas: number;
  flavor:
    | string
    | { os: 'linux'; cpu: number; memoryGiB: number; diskGiB: number };
  /** When the create was accepted and when its delete was, for create-then-delete figures. */
  createdAt: number;
  deletedAfterMs?: number;
}

/** What the storm issued and how the API answered. */
export interface StormCounts {
  issued: Record<string, number>;
  accepted: Record<string, number>;
  refusedOverQuota: number;
  /** Calls that hit a replica while it was down (re-sent to another replica). */
  resent: number;
  createThenDelete: number;
}

interface ApiAnswer {
  status: number;
  body: any;
}

/**
 * Sends API calls round-robin over the replicas. A call whose connection fails (its replica is
 * being killed) is re-sent to the next replica; every call the storm makes is idempotent on
 * re-send (same tags, same maxReplicas, delete, approve) except create, which the caller checks.
 */
export class ReplicaApi {
  readonly #replicas: Replica[];
  #next = 0;
  resent = 0;

  constructor(replicas: Replica[]) {
    this.#replicas = replicas;
  }

  async call(
    who: Caller,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: object,
  ): Promise<ApiAnswer & { replica: number; resent: boolean }> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 12; attempt++) {
      const replica = this.#replicas[this.#next++ % this.#replicas.length];
      try {
        const res = await fetch(`${replica.url}/api/runners${path}`, {
          method,
          headers: {
            authorization: mockCredentials.user.header(who.ref),
            ...(body && { 'content-type': 'application/json' }),
          },
          body: body && JSON.stringify(body),
        });
        const text = await res.text();
        return {
          status: res.status,
          body: text ? JSON.parse(text) : undefined,
          replica: replica.index,
          resent: attempt > 0,
        };
      } catch (error) {
        lastError = error;
        this.resent += 1;
        await new Promise(r => setTimeout(r, 100));
      }
    }
    throw new Error(
      `${method} ${path}: no replica answered: ${String(lastError)}`,
    );
  }
}

/** A small seeded PRNG so a failing storm can be replayed with the printed seed. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms));

/**
 * Per-pool serialisation: at most one call per pool in flight, so "the last accepted intent" is
 * well defined even though calls on different pools race over different replicas.
 */
export class PoolLanes {
  readonly #lanes = new Map<string, Promise<void>>();

  run(poolKey: string, fn: () => Promise<void>): Promise<void> {
    const next = (this.#lanes.get(poolKey) ?? Promise.resolve()).then(fn);
    this.#lanes.set(
      poolKey,
      next.catch(() => {}),
    );
    return next;
  }

  async settle(): Promise<void> {
    await Promise.all(this.#lanes.values());
  }
}

/** Adds one to a named counter. */
export function bump(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}
