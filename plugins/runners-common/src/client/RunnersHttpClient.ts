import { ResponseError } from '@backstage/errors';
import { DefaultApiClient, TypedResponse } from '../schema/openapi';
import type { Advice, AdviceSources, Showback } from '../capacity';
import type { FlavorCatalog } from '../flavors';
import type { FleetSummary, PoolHealthDetail, TeamHealth } from '../health';
import type {
  ApprovalRequest,
  FleetRollout,
  FleetRolloutInput,
  PoolEvent,
  PoolRollout,
  PoolSpec,
  QuotaUsage,
} from '../types';
import type {
  ListRequestsOptions,
  PoolChange,
  PoolResource,
  PoolUpdate,
  PoolValidation,
  RunnersRequestOptions,
  ShowbackOptions,
  TeamFilter,
} from './types';

/**
 * The client that repo-tools generates from the OpenAPI spec sends header parameters under
 * their camelCase parameter names; the server reads them under the names the spec declares.
 */
const HEADER_NAMES: Record<string, string> = { ifMatch: 'If-Match' };

function withSpecHeaderNames(fetchApi: { fetch: typeof fetch }): {
  fetch: typeof fetch;
} {
  return {
    fetch: (input, init) => {
      const given = init?.headers;
      // The generated client passes a plain object, with `undefined` for headers not sent.
      if (!given || given instanceof Headers || Array.isArray(given)) {
        return fetchApi.fetch(input, init);
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(given)) {
        if (value !== undefined) headers.set(HEADER_NAMES[name] ?? name, value);
      }
      return fetchApi.fetch(input, { ...init, headers });
    },
  };
}

/**
 * The runners backend (`/api/runners`) over HTTP, through the client generated from its
 * OpenAPI spec. Shared by the frontend client (the fetch API adds the user's token) and the
 * backend service (which passes a token issued on behalf of its caller). Every method rejects
 * with a `ResponseError` carrying the server's error body when the backend says no.
 *
 * @public
 */
export class RunnersHttpClient {
  readonly #api: DefaultApiClient;

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    /** Defaults to the global `fetch`. */
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.#api = new DefaultApiClient({
      discoveryApi: options.discoveryApi,
      fetchApi: withSpecHeaderNames(
        options.fetchApi ?? { fetch: (input, init) => fetch(input, init) },
      ),
    });
  }

  /** Standard flavors and the bounds for custom flavors. */
  async getFlavors(options?: RunnersRequestOptions): Promise<FlavorCatalog> {
    return json(await this.#api.listFlavors({}, options));
  }

  /** Pools the caller may read, optionally of one team. */
  async listPools(
    options: TeamFilter & RunnersRequestOptions = {},
  ): Promise<PoolResource[]> {
    const response = await this.#api.listPools(
      { query: { team: options.team } },
      options,
    );
    return (await json<{ items: PoolResource[] }>(response)).items;
  }

  /** A pool, with the `etag` to send back as `ifMatch`. */
  async getPool(
    id: string,
    options?: RunnersRequestOptions,
  ): Promise<PoolResource> {
    const response = await this.#api.getPool({ path: { id } }, options);
    const pool = await json<PoolResource>(response);
    const etag = response.headers.get('ETag');
    return etag ? { ...pool, etag } : pool;
  }

  /** Asks for a new pool; with `dryRun` checks everything and changes nothing. */
  async createPool(
    spec: PoolSpec,
    options: { dryRun?: boolean } & RunnersRequestOptions = {},
  ): Promise<PoolChange> {
    const response = await this.#api.createPool(
      { body: spec, query: { dryRun: options.dryRun || undefined } },
      options,
    );
    return json(response);
  }

  /** Checks a spec as the form is filled in. Changes nothing. */
  async validatePool(
    spec: PoolSpec,
    options?: RunnersRequestOptions,
  ): Promise<PoolValidation> {
    return json(await this.#api.validatePool({ body: spec }, options));
  }

  /** Changes a pool; with `ifMatch`, only if it did not change since it was read (else 412). */
  async updatePool(
    id: string,
    update: PoolUpdate,
    options: { ifMatch?: string } & RunnersRequestOptions = {},
  ): Promise<PoolChange> {
    const response = await this.#api.updatePool(
      { path: { id }, body: update, header: { ifMatch: options.ifMatch } },
      options,
    );
    return json(response);
  }

  /** Tears a pool down; `force` cuts running jobs, `ifMatch` as in {@link RunnersHttpClient.updatePool}. */
  async deletePool(
    id: string,
    options: { force?: boolean; ifMatch?: string } & RunnersRequestOptions = {},
  ): Promise<PoolResource> {
    const response = await this.#api.deletePool(
      {
        path: { id },
        query: { force: options.force || undefined },
        header: { ifMatch: options.ifMatch },
      },
      options,
    );
    return json(response);
  }

  /** A pool's rolling replacement of VMs. */
  async getPoolRollout(
    id: string,
    options?: RunnersRequestOptions,
  ): Promise<PoolRollout> {
    return json(await this.#api.getPoolRollout({ path: { id } }, options));
  }

  /** Aborts a rolling or halted rollout. */
  async abortPoolRollout(
    id: string,
    options?: RunnersRequestOptions,
  ): Promise<PoolRollout> {
    return json(await this.#api.abortPoolRollout({ path: { id } }, options));
  }

  /** Fleet rollouts, newest first (platform team). */
  async listFleetRollouts(
    options?: RunnersRequestOptions,
  ): Promise<FleetRollout[]> {
    return json(await this.#api.listFleetRollouts({}, options));
  }

  /** One fleet rollout with its pools' progress (platform team). */
  async getFleetRollout(
    id: string,
    options?: RunnersRequestOptions,
  ): Promise<FleetRollout> {
    return json(await this.#api.getFleetRollout({ path: { id } }, options));
  }

  /** Rolls the catalog's current definition of a flavor out to its pools (platform team). */
  async startFleetRollout(
    input: FleetRolloutInput,
    options?: RunnersRequestOptions,
  ): Promise<FleetRollout> {
    return json(await this.#api.startFleetRollout({ body: input }, options));
  }

  /** Pauses, resumes or aborts a fleet rollout (platform team). */
  async changeFleetRollout(
    id: string,
    action: 'pause' | 'resume' | 'abort',
    options?: RunnersRequestOptions,
  ): Promise<FleetRollout> {
    const request = { path: { id } };
    if (action === 'pause')
      return json(await this.#api.pauseFleetRollout(request, options));
    if (action === 'resume')
      return json(await this.#api.resumeFleetRollout(request, options));
    return json(await this.#api.abortFleetRollout(request, options));
  }

  /** The pool's state history, oldest first. */
  async listPoolEvents(
    id: string,
    options?: RunnersRequestOptions,
  ): Promise<PoolEvent[]> {
    const response = await this.#api.listPoolEvents({ path: { id } }, options);
    return (await json<{ items: PoolEvent[] }>(response)).items;
  }

  /** A pool's health with its VMs, timeline and history. */
  async getPoolHealth(
    id: string,
    options?: RunnersRequestOptions,
  ): Promise<PoolHealthDetail> {
    return json(await this.#api.getPoolHealth({ path: { id } }, options));
  }

  /** Approval requests the caller may see, newest first. */
  async listRequests(
    options: ListRequestsOptions & RunnersRequestOptions = {},
  ): Promise<ApprovalRequest[]> {
    const response = await this.#api.listRequests(
      { query: { status: options.status } },
      options,
    );
    return (await json<{ items: ApprovalRequest[] }>(response)).items;
  }

  /** Approves a request, optionally with a reason. */
  async approveRequest(
    id: string,
    options: { reason?: string } & RunnersRequestOptions = {},
  ): Promise<ApprovalRequest> {
    const response = await this.#api.approveRequest(
      { path: { id }, body: options.reason ? { reason: options.reason } : {} },
      options,
    );
    return json(response);
  }

  /** Rejects a request with a reason. */
  async rejectRequest(
    id: string,
    reason: string,
    options?: RunnersRequestOptions,
  ): Promise<ApprovalRequest> {
    const response = await this.#api.rejectRequest(
      { path: { id }, body: { reason } },
      options,
    );
    return json(response);
  }

  /** Quota and usage of the caller's teams (all teams for fleet readers). */
  async listQuotas(
    options: TeamFilter & RunnersRequestOptions = {},
  ): Promise<QuotaUsage[]> {
    const response = await this.#api.listQuotas(
      { query: { team: options.team } },
      options,
    );
    return (await json<{ items: QuotaUsage[] }>(response)).items;
  }

  /** The whole fleet; a 403 for everyone but the platform team. */
  async getFleetSummary(
    options?: RunnersRequestOptions,
  ): Promise<FleetSummary> {
    return json(await this.#api.getFleetSummary({}, options));
  }

  /** Health of the pools the caller may read, grouped by team. */
  async listTeamHealth(
    options: TeamFilter & RunnersRequestOptions = {},
  ): Promise<TeamHealth[]> {
    const response = await this.#api.listTeamHealth(
      { query: { team: options.team } },
      options,
    );
    return (await json<{ items: TeamHealth[] }>(response)).items;
  }

  /** What teams used and cost over a period. */
  async getShowback(
    options: ShowbackOptions & RunnersRequestOptions = {},
  ): Promise<Showback> {
    return json(
      await this.#api.getShowback({ query: period(options) }, options),
    );
  }

  /** The same showback as CSV, one line per pool and flavor. */
  async getShowbackCsv(
    options: ShowbackOptions & RunnersRequestOptions = {},
  ): Promise<string> {
    const response = await this.#api.getShowbackCsv(
      { query: period(options) },
      options,
    );
    return (await ok(response)).text();
  }

  /** Right-sizing advice for the pools the caller may read. */
  async listAdvice(
    options: TeamFilter & RunnersRequestOptions = {},
  ): Promise<Advice[]> {
    const response = await this.#api.listAdvice(
      { query: { team: options.team } },
      options,
    );
    return (await json<{ items: Advice[] }>(response)).items;
  }

  /** Which data the advice can draw on (a usage source or not). */
  async getAdviceSources(
    options?: RunnersRequestOptions,
  ): Promise<AdviceSources> {
    return json(await this.#api.getAdviceSources({}, options));
  }

  /** Applies an advice as a change of its pool. */
  async applyAdvice(
    id: string,
    options?: RunnersRequestOptions,
  ): Promise<PoolChange> {
    return json(
      await this.#api.applyAdvice({ path: { adviceId: id } }, options),
    );
  }

  /** Hides an advice for good. */
  async dismissAdvice(
    id: string,
    options?: RunnersRequestOptions,
  ): Promise<void> {
    await ok(
      await this.#api.dismissAdvice({ path: { adviceId: id } }, options),
    );
  }
}

function period({ from, to, team }: ShowbackOptions) {
  return { from, to, team };
}

async function ok<T extends TypedResponse<unknown>>(response: T): Promise<T> {
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  return response;
}

/**
 * The body of a successful answer as the public type the caller expects. The generated
 * models are the wire shapes (strings where the public types name the values), so the answer
 * is read as the public type rather than the generated one.
 */
async function json<T>(response: TypedResponse<unknown>): Promise<T> {
  return (await (await ok(response)).json()) as T;
}
