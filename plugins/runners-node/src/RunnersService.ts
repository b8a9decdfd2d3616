import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  createServiceRef,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ApprovalRequest,
  Flavor,
  Pool,
  PoolSpec,
} from '@runner-fleet/plugin-runners-common';

/** The outcome of creating a pool: the pool, and the request when it waits for approval. */
export interface CreatePoolResult {
  pool: Pool;
  request?: ApprovalRequest;
}

/**
 * Runner pools for other backend plugins (e.g. scaffolder actions). Every call acts on behalf
 * of the given credentials through the runners API, so permissions and quotas apply exactly as
 * in the portal.
 *
 * @public
 */
export interface RunnersService {
  listFlavors(options: {
    credentials: BackstageCredentials;
  }): Promise<Flavor[]>;
  createPool(
    spec: PoolSpec,
    options: { credentials: BackstageCredentials; dryRun?: boolean },
  ): Promise<CreatePoolResult>;
  getPool(
    id: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Pool>;
  findPool(
    team: string,
    name: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Pool | undefined>;
  deletePool(
    id: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Pool>;
}

/** {@link RunnersService} over HTTP, with tokens issued on behalf of the caller. */
export class RunnersServiceClient implements RunnersService {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  static create(options: { discovery: DiscoveryService; auth: AuthService }) {
    return new RunnersServiceClient(options.discovery, options.auth);
  }

  private constructor(discovery: DiscoveryService, auth: AuthService) {
    this.#discovery = discovery;
    this.#auth = auth;
  }

  async #request<T>(
    path: string,
    credentials: BackstageCredentials,
    init: { method?: string; body?: unknown } = {},
  ): Promise<T> {
    const [baseUrl, { token }] = await Promise.all([
      this.#discovery.getBaseUrl('runners'),
      this.#auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'runners',
      }),
    ]);
    const response = await fetch(`${baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        ...(init.body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  async listFlavors({ credentials }: { credentials: BackstageCredentials }) {
    const { items } = await this.#request<{ items: Flavor[] }>(
      '/flavors',
      credentials,
    );
    return items;
  }

  createPool(
    spec: PoolSpec,
    options: { credentials: BackstageCredentials; dryRun?: boolean },
  ) {
    return this.#request<CreatePoolResult>(
      `/pools${options.dryRun ? '?dryRun=true' : ''}`,
      options.credentials,
      { method: 'POST', body: spec },
    );
  }

  getPool(id: string, { credentials }: { credentials: BackstageCredentials }) {
    return this.#request<Pool>(`/pools/${encodeURIComponent(id)}`, credentials);
  }

  async findPool(
    team: string,
    name: string,
    { credentials }: { credentials: BackstageCredentials },
  ) {
    const { items } = await this.#request<{ items: Pool[] }>(
      `/pools?team=${encodeURIComponent(team)}`,
      credentials,
    );
    return items.find(p => p.name === name);
  }

  deletePool(
    id: string,
    { credentials }: { credentials: BackstageCredentials },
  ) {
    return this.#request<Pool>(
      `/pools/${encodeURIComponent(id)}`,
      credentials,
      {
        method: 'DELETE',
      },
    );
  }
}

/**
 * Service ref of {@link RunnersService}; the default factory talks to the runners backend.
 *
 * @public
 */
export const runnersServiceRef = createServiceRef<RunnersService>({
  id: 'runners.service',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { discovery: coreServices.discovery, auth: coreServices.auth },
      factory: ({ discovery, auth }) =>
        RunnersServiceClient.create({ discovery, auth }),
    }),
});
