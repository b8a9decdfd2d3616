import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  customFlavorNeedsApproval,
  defaultReasonCode,
  Flavor,
  Pool,
  PoolSpec,
  PoolState,
  poolReservation,
  toCustomFlavor,
  validatePoolSpec,
} from '@runner-fleet/plugin-runners-common';
import { EXAMPLE_FLAVOR_CATALOG } from '@runner-fleet/plugin-runners-common/testUtils';
import {
  CreatePoolResult,
  RunnersService,
} from '@runner-fleet/plugin-runners-node';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
};

/** The error the real client throws for a failed request: status plus the server's body. */
export function apiError(status: number, name: string, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: STATUS_TEXT[status],
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

/**
 * An in-memory RunnersService for action unit tests only: the shared validation, a CPU quota,
 * team membership and approvals like the API, and states scripted per pool. The integration
 * test uses the real runners backend instead.
 */
export class FakeRunnersService implements RunnersService {
  readonly pools = new Map<string, Pool>();
  readonly calls: Array<{ method: string; dryRun?: boolean }> = [];
  readonly #teams: string[];
  readonly #maxCpu: number;
  readonly #scripts = new Map<string, Array<[PoolState, string]>>();
  #nextId = 1;

  constructor(options: { teams?: string[]; maxCpu?: number } = {}) {
    this.#teams = options.teams ?? ['payments'];
    this.#maxCpu = options.maxCpu ?? 40;
  }

  /** The states the next reads of a pool see, one per read; the last one stays. */
  script(poolId: string, ...states: Array<[PoolState, string]>) {
    this.#scripts.set(poolId, states);
  }

  async listFlavors() {
    return EXAMPLE_FLAVOR_CATALOG.flavors;
  }

  async createPool(
    input: PoolSpec,
    options: { credentials: BackstageCredentials; dryRun?: boolean },
  ): Promise<CreatePoolResult> {
    this.calls.push({ method: 'createPool', dryRun: options.dryRun });
    const a = input.autoscaling;
    const spec: PoolSpec = {
      ...input,
      autoscaling: {
        ...a,
        targetUtilization: a.targetUtilization ?? 0.3,
        scaleToZero: a.scaleToZero ?? a.minReplicas === 0,
        burst: a.burst ?? false,
      },
      gitlab: { ...input.gitlab, tags: input.gitlab.tags ?? [] },
    };
    if (!this.#teams.includes(spec.team)) {
      throw await apiError(
        403,
        'NotAllowedError',
        `you may create pools only for your own teams; you are not a member of '${spec.team}'`,
      );
    }
    const errors = validatePoolSpec(spec, EXAMPLE_FLAVOR_CATALOG);
    if (errors.length) {
      const message = errors.map(e => `${e.field}: ${e.message}`).join('; ');
      throw await apiError(400, 'InputError', message);
    }
    if (await this.findPool(spec.team, spec.name)) {
      throw await apiError(
        409,
        'ConflictError',
        `team '${spec.team}' already has a pool named '${spec.name}'; pick another name`,
      );
    }
    const policy = EXAMPLE_FLAVOR_CATALOG.custom;
    const flavor: Flavor =
      typeof spec.flavor === 'string'
        ? EXAMPLE_FLAVOR_CATALOG.flavors.find(f => f.name === spec.flavor)!
        : toCustomFlavor(spec.flavor, policy);
    const used = [...this.pools.values()]
      .filter(p => p.team === spec.team && p.state !== 'deleted')
      .reduce(
        (sum, p) => sum + poolReservation(p.flavor, p.spec.autoscaling).cpu,
        0,
      );
    const wanted = poolReservation(flavor, spec.autoscaling).cpu;
    if (used + wanted > this.#maxCpu) {
      throw await apiError(
        409,
        'ConflictError',
        `quota of team '${
          spec.team
        }' exceeded (vCPU: ${used} in use + ${wanted} requested > limit ${
          this.#maxCpu
        }); lower maxReplicas, pick a smaller flavor, delete a pool, or ask the platform team to raise the quota`,
      );
    }
    const waits =
      typeof spec.flavor !== 'string' &&
      customFlavorNeedsApproval(spec.flavor, policy);
    const now = new Date().toISOString();
    const principal = options.credentials.principal as {
      userEntityRef?: string;
    };
    const pool: Pool = {
      id: `pool-${this.#nextId++}`,
      team: spec.team,
      name: spec.name,
      spec,
      flavor,
      state: waits ? 'pending-approval' : 'provisioning',
      stateCode: waits ? 'AwaitingApproval' : 'Requested',
      stateReason: waits
        ? `waiting for the platform team to approve custom flavor (${flavor.cpu} vCPU / ${flavor.memoryGiB} GiB)`
        : 'registering the GitLab runner and creating the VMs',
      generation: 1,
      observedGeneration: 0,
      createdBy: principal.userEntityRef ?? 'unknown',
      createdAt: now,
      updatedAt: now,
    };
    if (options.dryRun) return { pool };
    this.pools.set(pool.id, pool);
    if (!waits) return { pool };
    return {
      pool,
      request: {
        id: `request-${pool.id}`,
        poolId: pool.id,
        team: pool.team,
        poolName: pool.name,
        reasons: ['custom-flavor'],
        summary: pool.stateReason,
        status: 'pending',
        requestedBy: pool.createdBy,
        requestedAt: now,
      },
    };
  }

  async getPool(id: string) {
    this.calls.push({ method: 'getPool' });
    const pool = this.pools.get(id);
    if (!pool || pool.state === 'deleted') {
      throw await apiError(404, 'NotFoundError', `pool '${id}' does not exist`);
    }
    const script = this.#scripts.get(id) ?? [];
    const next = script.length > 1 ? script.shift() : script[0];
    if (next) {
      [pool.state, pool.stateReason] = next;
      pool.stateCode = defaultReasonCode(pool.state);
    }
    return { ...pool };
  }

  async findPool(team: string, name: string) {
    return [...this.pools.values()].find(
      p => p.team === team && p.name === name && p.state !== 'deleted',
    );
  }

  async deletePool(id: string) {
    this.calls.push({ method: 'deletePool' });
    const pool = await this.getPool(id);
    if (!this.#teams.includes(pool.team)) {
      throw await apiError(
        403,
        'NotAllowedError',
        `you may not delete pools of team '${pool.team}'`,
      );
    }
    const deleting: Pool = {
      ...pool,
      state: 'deleting',
      stateReason: 'removing VMs, scalers, secrets and the GitLab runner',
      stateCode: 'Draining',
    };
    this.pools.set(id, deleting);
    return deleting;
  }
}
