import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { catalogEntityDeletePermission } from '@backstage/plugin-catalog-common/alpha';
import {
  RESOURCE_TYPE_RUNNERS_POOL,
  runnersFleetReadPermission,
  runnersPoolForceDeletePermission,
  runnersRequestApprovePermission,
} from '@runner-fleet/plugin-runners-common';
import {
  createRunnersPoolConditionalDecision,
  runnersPoolConditions,
} from '@runner-fleet/plugin-runners-node';

/** The group whose members operate the runner fleet. */
export const PLATFORM_GROUP_REF = 'group:default/platform';

/**
 * The example organisation's policy.
 *
 * - Runner pools: members read and manage their own teams' pools; the platform team sees and
 *   manages every pool, approves requests and sees the whole fleet. Services (no user) may read.
 * - Catalog: members may use it; deleting entities is reserved for the platform team.
 * - Everything else: allowed for signed-in members.
 */
export class RunnerFleetPermissionPolicy implements PermissionPolicy {
  readonly #userInfo: Pick<UserInfoService, 'getUserInfo'>;

  constructor(options: { userInfo: Pick<UserInfoService, 'getUserInfo'> }) {
    this.#userInfo = options.userInfo;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (request.permission.name.startsWith('runners.')) {
      return this.#runners(request, user);
    }
    if (isPermission(request.permission, catalogEntityDeletePermission)) {
      return {
        result: (await this.#isPlatformMember(user))
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    return { result: AuthorizeResult.ALLOW };
  }

  async #runners(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (!user) {
      const readOnly = permission.attributes.action === 'read';
      return {
        result: readOnly ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    const claims = await this.#claims(user);
    if (claims.includes(PLATFORM_GROUP_REF)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      isPermission(permission, runnersRequestApprovePermission) ||
      isPermission(permission, runnersFleetReadPermission) ||
      isPermission(permission, runnersPoolForceDeletePermission)
    ) {
      return { result: AuthorizeResult.DENY };
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_RUNNERS_POOL)) {
      return createRunnersPoolConditionalDecision(
        permission,
        runnersPoolConditions.isTeamMember({ claims }),
      );
    }
    // runners.pool.create: any member; the plugin also checks they manage the pool's team.
    return { result: AuthorizeResult.ALLOW };
  }

  async #claims(user: PolicyQueryUser): Promise<string[]> {
    const info = await this.#userInfo.getUserInfo(user.credentials);
    return info.ownershipEntityRefs;
  }

  async #isPlatformMember(user?: PolicyQueryUser): Promise<boolean> {
    return !!user && (await this.#claims(user)).includes(PLATFORM_GROUP_REF);
  }
}

/** Installs {@link RunnerFleetPermissionPolicy} as the permission backend's policy. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'runner-fleet-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, userInfo: coreServices.userInfo },
      async init({ policy, userInfo }) {
        policy.setPolicy(new RunnerFleetPermissionPolicy({ userInfo }));
      },
    });
  },
});
