import {
  coreServices,
  createBackendModule,
  RootConfigService,
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
  runnersScalingReadPermission,
} from '@runner-fleet/plugin-runners-common';
import {
  createRunnersPoolConditionalDecision,
  runnersPoolConditions,
} from '@runner-fleet/plugin-runners-node';

/** The group whose members operate the runner fleet. */
export const PLATFORM_GROUP_REF = 'group:default/platform';

/**
 * The Kubernetes plugin's proxy permission (`kubernetesProxyPermission` of
 * `@backstage/plugin-kubernetes-common`), by name: the proxy forwards any request to a cluster
 * with the plugin's identity.
 */
export const KUBERNETES_PROXY_PERMISSION = 'kubernetes.proxy';

/** The config key that lets platform members use the Kubernetes proxy. */
export const KUBERNETES_PROXY_CONFIG_KEY = 'runnerFleetPolicy.kubernetesProxy';

/** Who may use the Kubernetes proxy: no one (the default), or platform members. */
export type KubernetesProxyAccess = 'none' | 'platform';

/** Reads {@link KUBERNETES_PROXY_CONFIG_KEY}; fails naming the key on anything unknown. */
export function readKubernetesProxyAccess(
  config: Pick<RootConfigService, 'getOptionalString'>,
): KubernetesProxyAccess {
  const value = config.getOptionalString(KUBERNETES_PROXY_CONFIG_KEY) ?? 'none';
  if (value === 'none' || value === 'platform') return value;
  throw new Error(
    `${KUBERNETES_PROXY_CONFIG_KEY} must be 'none' (the default) or 'platform', not '${value}'`,
  );
}

/**
 * The example organisation's policy.
 *
 * - Runner pools: members read and manage their own teams' pools; the platform team sees and
 *   manages every pool, approves requests and sees the whole fleet. Services (no user) may read.
 *   Scaling signals: the platform team and services (KEDA's token names only this permission).
 * - Kubernetes proxy: no one, unless {@link KUBERNETES_PROXY_CONFIG_KEY} is `platform`; then
 *   platform members. It forwards raw requests to the clusters, so it is never for every member.
 * - Catalog: members may use it; deleting entities is reserved for the platform team.
 * - Everything else: allowed for signed-in members.
 */
export class RunnerFleetPermissionPolicy implements PermissionPolicy {
  readonly #userInfo: Pick<UserInfoService, 'getUserInfo'>;
  readonly #kubernetesProxy: KubernetesProxyAccess;

  constructor(options: {
    userInfo: Pick<UserInfoService, 'getUserInfo'>;
    /** Who may use the Kubernetes proxy; default `none`. */
    kubernetesProxy?: KubernetesProxyAccess;
  }) {
    this.#userInfo = options.userInfo;
    this.#kubernetesProxy = options.kubernetesProxy ?? 'none';
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (request.permission.name.startsWith('runners.')) {
      return this.#runners(request, user);
    }
    if (request.permission.name === KUBERNETES_PROXY_PERMISSION) {
      const allowed =
        this.#kubernetesProxy === 'platform' &&
        (await this.#isPlatformMember(user));
      return {
        result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
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
      isPermission(permission, runnersPoolForceDeletePermission) ||
      isPermission(permission, runnersScalingReadPermission)
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
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
        config: coreServices.rootConfig,
      },
      async init({ policy, userInfo, config }) {
        policy.setPolicy(
          new RunnerFleetPermissionPolicy({
            userInfo,
            kubernetesProxy: readKubernetesProxyAccess(config),
          }),
        );
      },
    });
  },
});
