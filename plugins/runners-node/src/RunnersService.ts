import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  createServiceRef,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  Flavor,
  Pool,
  PoolChange,
  PoolSpec,
  RunnersHttpClient,
} from '@runner-fleet/plugin-runners-common';

/**
 * The outcome of creating a pool: the pool, and the request when it waits for approval.
 *
 * @public
 */
export type CreatePoolResult = PoolChange;

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

/**
 * {@link RunnersService} over HTTP through the client generated from the runners OpenAPI spec,
 * with tokens issued on behalf of the caller.
 */
export class RunnersServiceClient implements RunnersService {
  readonly #client: RunnersHttpClient;
  readonly #auth: AuthService;

  static create(options: { discovery: DiscoveryService; auth: AuthService }) {
    return new RunnersServiceClient(options.discovery, options.auth);
  }

  private constructor(discovery: DiscoveryService, auth: AuthService) {
    this.#client = new RunnersHttpClient({ discoveryApi: discovery });
    this.#auth = auth;
  }

  async #token(credentials: BackstageCredentials) {
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'runners',
    });
    return token;
  }

  async listFlavors({
    credentials,
  }: {
    credentials: BackstageCredentials;
  }): Promise<Flavor[]> {
    const token = await this.#token(credentials);
    const { flavors } = await this.#client.getFlavors({ token });
    return flavors;
  }

  async createPool(
    spec: PoolSpec,
    options: { credentials: BackstageCredentials; dryRun?: boolean },
  ): Promise<CreatePoolResult> {
    const token = await this.#token(options.credentials);
    return this.#client.createPool(spec, { dryRun: options.dryRun, token });
  }

  async getPool(
    id: string,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<Pool> {
    const token = await this.#token(credentials);
    const { etag: _etag, ...pool } = await this.#client.getPool(id, { token });
    return pool;
  }

  async findPool(
    team: string,
    name: string,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<Pool | undefined> {
    const token = await this.#token(credentials);
    const pools = await this.#client.listPools({ team, token });
    return pools.find(p => p.name === name);
  }

  async deletePool(
    id: string,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<Pool> {
    const token = await this.#token(credentials);
    return this.#client.deletePool(id, { token });
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
