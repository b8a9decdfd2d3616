import { Agent, request } from 'node:http';
import { send } from './send';

/** What the bench reads of a pool from the API. */
export interface ApiPool {
  id: string;
  team: string;
  name: string;
  state: string;
  generation: number;
  observedGeneration: number;
  gitlabRunnerId?: number;
}

/** The backend's HTTP API as one signed-in user (or KEDA with the scaling token). */
export class RunnersApi {
  readonly #base: URL;
  readonly #token: string;
  readonly #agent: Agent;

  constructor(backendUrl: string, token: string, maxSockets = 32) {
    this.#base = new URL(backendUrl);
    this.#token = token;
    this.#agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** One request; resolves with status and body text. */
  raw(method: string, path: string, body?: unknown) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return send(
      request,
      {
        host: this.#base.hostname,
        port: this.#base.port,
        method,
        path: `/api/runners${path}`,
        agent: this.#agent,
        headers: {
          Authorization: `Bearer ${this.#token}`,
          ...(payload
            ? {
                'Content-Type': 'application/json',
                'Content-Length': Buffer.byteLength(payload),
              }
            : {}),
        },
      },
      payload,
    );
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.raw(method, path, body);
    if (res.status >= 300) {
      throw new Error(
        `${method} /api/runners${path} answered ${res.status}: ${res.text.slice(
          0,
          300,
        )}`,
      );
    }
    return JSON.parse(res.text) as T;
  }

  /** Asks for a standard m1.large pool (group runner of engineering/payments). */
  async createPool(team: string, name: string): Promise<ApiPool> {
    const change = await this.json<{ pool: ApiPool }>('POST', '/pools', {
      team,
      name,
      flavor: 'm1.large',
      autoscaling: { minReplicas: 1, maxReplicas: 20 },
      gitlab: {
        scope: { type: 'group', path: 'engineering/payments' },
        tags: ['linux', 'docker'],
        runUntagged: false,
      },
    });
    if (change.pool.state !== 'provisioning') {
      throw new Error(
        `pool ${team}/${name} is ${change.pool.state}, not provisioning: the bench needs pools that need no approval`,
      );
    }
    return change.pool;
  }

  /** Resolves once the pool's first pass finished: objects applied and runner registered. */
  async waitProvisioned(id: string, pollMs: number, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pool = await this.json<ApiPool>('GET', `/pools/${id}`);
      if (
        pool.gitlabRunnerId !== undefined &&
        pool.observedGeneration >= pool.generation
      )
        return pool;
      if (pool.state === 'failed') {
        throw new Error(`pool ${pool.team}/${pool.name} failed to provision`);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `pool ${pool.team}/${pool.name} not provisioned within ${timeoutMs} ms (state ${pool.state})`,
        );
      }
      await new Promise(r => setTimeout(r, pollMs));
    }
  }

  close() {
    this.#agent.destroy();
  }
}
