import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { catalogEntityDeletePermission } from '@backstage/plugin-catalog-common/alpha';

/** The group whose members operate the runner fleet. */
export const PLATFORM_GROUP_REF = 'group:default/platform';

/**
 * The example organisation's policy: signed-in members may use the portal; destructive catalog
 * operations are reserved for the platform team. Requests without a user (service-to-service
 * calls) are decided by the plugins' own credentials checks and allowed here.
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
    if (isPermission(request.permission, catalogEntityDeletePermission)) {
      return {
        result: (await this.#isPlatformMember(user))
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    return { result: AuthorizeResult.ALLOW };
  }

  async #isPlatformMember(user?: PolicyQueryUser): Promise<boolean> {
    if (!user) {
      return false;
    }
    const info = await this.#userInfo.getUserInfo(user.credentials);
    return info.ownershipEntityRefs.includes(PLATFORM_GROUP_REF);
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
