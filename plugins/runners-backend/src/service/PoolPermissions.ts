import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  RESOURCE_TYPE_RUNNERS_POOL,
  runnersPoolReadPermission,
} from '@runner-fleet/plugin-runners-common';
import {
  runnersPoolPermissionRules,
  RunnersPoolResource,
} from '@runner-fleet/plugin-runners-node';

type PoolPermission = ResourcePermission<typeof RESOURCE_TYPE_RUNNERS_POOL>;

/** A connection the permission backend's HTTP client reused was closed as the request went out. */
function connectionReset(error: unknown): boolean {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  return code === 'ECONNRESET' || errno === 'ECONNRESET';
}

/**
 * Asks the permission framework once more when the first request died on a reset keep-alive
 * connection (seen under load as a 500 on reads: `request to …/api/permission/authorize failed,
 * reason: read ECONNRESET`). Authorizing changes nothing, so asking again is safe.
 */
async function askTwiceOnReset<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if (!connectionReset(error)) throw error;
    return ask();
  }
}

const applyConditions = createConditionAuthorizer<RunnersPoolResource, unknown>(
  Object.values(runnersPoolPermissionRules),
);

/**
 * The one place runner-pool permissions are checked. Conditional decisions (e.g. "members of
 * the pool's team") are applied to the pool in memory, which also works for a pool that is
 * only about to be created.
 */
export class PoolPermissions {
  readonly #permissions: PermissionsService;

  static create(options: { permissions: PermissionsService }) {
    return new PoolPermissions(options.permissions);
  }

  private constructor(permissions: PermissionsService) {
    this.#permissions = permissions;
  }

  async #decide(
    permission: PoolPermission,
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision> {
    const [decision] = await askTwiceOnReset(() =>
      this.#permissions.authorizeConditional([{ permission }], {
        credentials,
      }),
    );
    return decision;
  }

  /** A filter of the pools `permission` allows, decided once for many pools. */
  async filter(
    permission: PoolPermission,
    credentials: BackstageCredentials,
  ): Promise<(pool: RunnersPoolResource) => boolean> {
    const decision = await this.#decide(permission, credentials);
    if (decision.result === AuthorizeResult.ALLOW) return () => true;
    if (decision.result === AuthorizeResult.DENY) return () => false;
    return pool => applyConditions(decision, pool);
  }

  /** Whether `permission` is allowed on `pool`. */
  async allows(
    permission: PoolPermission,
    pool: RunnersPoolResource,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    return (await this.filter(permission, credentials))(pool);
  }

  /**
   * Whether `permission` would be allowed on a pool of `team` (for a pool about to be created,
   * or a team-wide view). The team is the only property the pool rules look at.
   */
  async allowsTeam(
    permission: PoolPermission,
    team: string,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    return this.allows(permission, { id: '', team }, credentials);
  }

  /**
   * Throws unless `permission` is allowed on `pool`. A pool the caller may not even read is
   * reported as not found, so its existence does not leak.
   */
  async assert(
    permission: PoolPermission,
    pool: RunnersPoolResource & { name?: string },
    credentials: BackstageCredentials,
  ): Promise<void> {
    if (await this.allows(permission, pool, credentials)) return;
    if (
      permission.name !== runnersPoolReadPermission.name &&
      (await this.allows(runnersPoolReadPermission, pool, credentials))
    ) {
      throw new NotAllowedError(
        `you may not ${permission.attributes.action} pools of team '${pool.team}'; ask a member of that team or the platform team`,
      );
    }
    throw new NotFoundError(`pool '${pool.id}' does not exist`);
  }

  /** Throws NotAllowedError unless the basic `permission` is allowed. */
  async assertBasic(
    permission: BasicPermission,
    credentials: BackstageCredentials,
    message: string,
  ): Promise<void> {
    const [decision] = await askTwiceOnReset(() =>
      this.#permissions.authorize([{ permission }], { credentials }),
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(message);
    }
  }

  /** Whether the basic `permission` is allowed. */
  async allowsBasic(
    permission: BasicPermission,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const [decision] = await askTwiceOnReset(() =>
      this.#permissions.authorize([{ permission }], { credentials }),
    );
    return decision.result === AuthorizeResult.ALLOW;
  }
}
