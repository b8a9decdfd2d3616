import type { ControlPlane, Identity } from '@runner-fleet/testenv';
import { Agent, request } from 'node:https';
import { send } from './send';

/**
 * A bare JSON client for one identity on the bench's control plane: keep-alive HTTPS, no
 * library in between. The floor and baselines use it, and it seeds VMIs.
 */
export class BareKube {
  readonly #plane: ControlPlane;
  readonly #token: string;
  readonly #agent: Agent;
  readonly #url: URL;

  constructor(plane: ControlPlane, identity: Identity, maxSockets = 32) {
    this.#plane = plane;
    this.#token = plane.tokens[identity];
    this.#url = new URL(plane.server);
    this.#agent = new Agent({
      keepAlive: true,
      maxSockets,
      ca: Buffer.from(plane.caData, 'base64'),
    });
  }

  /** One request; resolves with the status and the raw body (throws on a transport error). */
  raw(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return send(
      request,
      {
        host: this.#url.hostname,
        port: this.#url.port,
        method,
        path,
        agent: this.#agent,
        headers: {
          Authorization: `Bearer ${this.#token}`,
          Accept: 'application/json',
          ...(payload
            ? {
                'Content-Type': contentType,
                'Content-Length': Buffer.byteLength(payload),
              }
            : {}),
        },
      },
      payload,
    );
  }

  /** A request that must succeed; returns the parsed body. */
  async json<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<T> {
    const res = await this.raw(method, path, body, contentType);
    if (res.status >= 300) {
      throw new Error(
        `${method} ${path} answered ${res.status}: ${res.text.slice(0, 300)}`,
      );
    }
    return JSON.parse(res.text) as T;
  }

  /** Server-side apply of one object (field manager `runner-fleet`, force). */
  async apply(object: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
  }): Promise<void> {
    await this.json(
      'PATCH',
      `${objectPath(object)}?fieldManager=runner-fleet&force=true`,
      object,
      'application/apply-patch+yaml',
    );
  }

  /**
   * Requests the API server has served, from its own `apiserver_request_total` counter
   * (resource requests only, summed over every client), split into reads and writes.
   */
  async requestCounts(): Promise<{
    reads: number;
    writes: number;
    total: number;
  }> {
    const res = await this.raw('GET', '/metrics');
    let reads = 0;
    let writes = 0;
    for (const line of res.text.split('\n')) {
      if (!line.startsWith('apiserver_request_total{')) continue;
      if (!/resource="[^"]+"/.test(line)) continue;
      const verb = /verb="([A-Z]+)"/.exec(line)?.[1] ?? '';
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (['GET', 'LIST', 'WATCH'].includes(verb)) reads += value;
      else writes += value;
    }
    return { reads, writes, total: reads + writes };
  }

  close() {
    this.#agent.destroy();
  }

  get plane() {
    return this.#plane;
  }
}

const PLURALS: Record<string, string> = {
  Namespace: 'namespaces',
  ResourceQuota: 'resourcequotas',
  Secret: 'secrets',
  ServiceAccount: 'serviceaccounts',
  Role: 'roles',
  RoleBinding: 'rolebindings',
  LimitRange: 'limitranges',
  NetworkPolicy: 'networkpolicies',
  VirtualMachineInstanceReplicaSet: 'virtualmachineinstancereplicasets',
  VirtualMachineInstance: 'virtualmachineinstances',
  VirtualMachinePool: 'virtualmachinepools',
  ScaledObject: 'scaledobjects',
  TriggerAuthentication: 'triggerauthentications',
  DataVolume: 'datavolumes',
};

/** The REST path of an object (core or grouped API, namespaced or not). */
export function objectPath(o: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}): string {
  const plural = PLURALS[o.kind];
  if (!plural) throw new Error(`bench: no plural known for kind ${o.kind}`);
  const base = o.apiVersion.includes('/')
    ? `/apis/${o.apiVersion}`
    : `/api/${o.apiVersion}`;
  const ns = o.metadata.namespace ? `/namespaces/${o.metadata.namespace}` : '';
  return `${base}${ns}/${plural}/${o.metadata.name}`;
}
