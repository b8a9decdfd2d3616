import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  Advice,
  ApprovalRequest,
  FleetSummary,
  FlavorCatalog,
  PoolEvent,
  PoolHealthDetail,
  PoolRollout,
  PoolSpec,
  QuotaUsage,
  Showback,
  TeamHealth,
} from '@runner-fleet/plugin-runners-common';
import { RunnersApi } from './RunnersApi';
import {
  ShowbackOptions,
  ListRequestsOptions,
  PoolChange,
  PoolResource,
  PoolUpdate,
  PoolValidation,
  TeamFilter,
} from './types';

type Query = Record<string, string | boolean | undefined>;

/**
 * Talks to the runners backend through the discovery and fetch APIs, so requests carry the
 * user's Backstage token.
 *
 * @public
 */
export class RunnersClient implements RunnersApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  getFlavors(): Promise<FlavorCatalog> {
    return this.#request('/flavors');
  }

  async listPools(options: TeamFilter = {}): Promise<PoolResource[]> {
    const { items } = await this.#request<{ items: PoolResource[] }>('/pools', {
      query: { team: options.team },
    });
    return items;
  }

  async getPool(id: string): Promise<PoolResource> {
    let etag: string | undefined;
    const pool = await this.#request<PoolResource>(
      `/pools/${encodeURIComponent(id)}`,
      {
        onResponse: r => {
          etag = r.headers.get('ETag') ?? undefined;
        },
      },
    );
    return etag ? { ...pool, etag } : pool;
  }

  createPool(
    spec: PoolSpec,
    options: { dryRun?: boolean } = {},
  ): Promise<PoolChange> {
    return this.#request('/pools', {
      method: 'POST',
      body: spec,
      query: { dryRun: options.dryRun || undefined },
    });
  }

  validatePool(spec: PoolSpec): Promise<PoolValidation> {
    return this.#request('/pools/validate', { method: 'POST', body: spec });
  }

  updatePool(
    id: string,
    update: PoolUpdate,
    options: { ifMatch?: string } = {},
  ): Promise<PoolChange> {
    return this.#request(`/pools/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body: update,
      headers: options.ifMatch ? { 'If-Match': options.ifMatch } : undefined,
    });
  }

  deletePool(
    id: string,
    options: { force?: boolean } = {},
  ): Promise<PoolResource> {
    return this.#request(`/pools/${encodeURIComponent(id)}`, {
      method: 'DELETE',
      query: { force: options.force || undefined },
    });
  }

  getPoolRollout(id: string): Promise<PoolRollout> {
    return this.#request(`/pools/${encodeURIComponent(id)}/rollout`);
  }

  abortPoolRollout(id: string): Promise<PoolRollout> {
    return this.#request(`/pools/${encodeURIComponent(id)}/rollout/abort`, {
      method: 'POST',
    });
  }

  async listPoolEvents(id: string): Promise<PoolEvent[]> {
    const { items } = await this.#request<{ items: PoolEvent[] }>(
      `/pools/${encodeURIComponent(id)}/events`,
    );
    return items;
  }

  getPoolHealth(id: string): Promise<PoolHealthDetail> {
    return this.#request(`/pools/${encodeURIComponent(id)}/health`);
  }

  async listRequests(
    options: ListRequestsOptions = {},
  ): Promise<ApprovalRequest[]> {
    const { items } = await this.#request<{ items: ApprovalRequest[] }>(
      '/requests',
      { query: { status: options.status } },
    );
    return items;
  }

  approveRequest(
    id: string,
    options: { reason?: string } = {},
  ): Promise<ApprovalRequest> {
    return this.#request(`/requests/${encodeURIComponent(id)}/approve`, {
      method: 'POST',
      body: options.reason ? { reason: options.reason } : {},
    });
  }

  rejectRequest(id: string, reason: string): Promise<ApprovalRequest> {
    return this.#request(`/requests/${encodeURIComponent(id)}/reject`, {
      method: 'POST',
      body: { reason },
    });
  }

  async listQuotas(options: TeamFilter = {}): Promise<QuotaUsage[]> {
    const { items } = await this.#request<{ items: QuotaUsage[] }>('/quotas', {
      query: { team: options.team },
    });
    return items;
  }

  getFleetSummary(): Promise<FleetSummary> {
    return this.#request('/health');
  }

  async listTeamHealth(options: TeamFilter = {}): Promise<TeamHealth[]> {
    const { items } = await this.#request<{ items: TeamHealth[] }>(
      '/health/teams',
      { query: { team: options.team } },
    );
    return items;
  }

  getShowback(options: ShowbackOptions = {}): Promise<Showback> {
    return this.#request('/showback', { query: { ...options } });
  }

  getShowbackCsv(options: ShowbackOptions = {}): Promise<string> {
    return this.#request('/showback/csv', {
      query: { ...options },
      text: true,
    });
  }

  async listAdvice(options: TeamFilter = {}): Promise<Advice[]> {
    const { items } = await this.#request<{ items: Advice[] }>('/advice', {
      query: { team: options.team },
    });
    return items;
  }

  applyAdvice(id: string): Promise<PoolChange> {
    return this.#request(`/advice/${encodeURIComponent(id)}/apply`, {
      method: 'POST',
      body: {},
    });
  }

  async dismissAdvice(id: string): Promise<void> {
    await this.#request(`/advice/${encodeURIComponent(id)}/dismiss`, {
      method: 'POST',
      body: {},
      text: true,
    });
  }

  async #request<T>(
    path: string,
    options: {
      method?: string;
      body?: unknown;
      query?: Query;
      headers?: Record<string, string>;
      /** Sees the successful response first, e.g. to read a header. */
      onResponse?: (response: Response) => void;
      /** The body as text (CSV, or an empty 204), not JSON. */
      text?: boolean;
    } = {},
  ): Promise<T> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('runners');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) params.set(key, String(value));
    }
    const search = params.toString();
    const response = await this.#fetchApi.fetch(
      `${baseUrl}${path}${search ? `?${search}` : ''}`,
      {
        method: options.method ?? 'GET',
        headers: {
          ...(options.body === undefined
            ? {}
            : { 'Content-Type': 'application/json' }),
          ...options.headers,
        },
        body:
          options.body === undefined ? undefined : JSON.stringify(options.body),
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    options.onResponse?.(response);
    if (options.text) return (await response.text()) as T;
    return (await response.json()) as T;
  }
}
