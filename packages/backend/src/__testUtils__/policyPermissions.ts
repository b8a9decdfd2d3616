import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { RunnerFleetPermissionPolicy } from '../modules/permissionPolicy';

/**
 * A permissions service that asks the example backend's real policy in-process. The HTTP hop to
 * the permission backend is Backstage's own and cannot carry mock on-behalf-of tokens, so tests
 * of the policy and the plugin together decide here.
 */
export const RunnersFleetPolicyForTests = {
  factory(memberships: Record<string, string[]>) {
    const userInfo = mockServices.userInfo();
    const policy = new RunnerFleetPermissionPolicy({
      userInfo: {
        async getUserInfo(credentials) {
          const { userEntityRef } = await userInfo.getUserInfo(credentials);
          return {
            userEntityRef,
            ownershipEntityRefs: [
              userEntityRef,
              ...(memberships[userEntityRef] ?? []),
            ],
          };
        },
      },
    });
    const decide = (
      permission: Parameters<
        RunnerFleetPermissionPolicy['handle']
      >[0]['permission'],
      credentials: BackstageCredentials,
    ) => {
      const isUser =
        (credentials.principal as { type?: string }).type === 'user';
      return policy.handle(
        { permission },
        isUser
          ? {
              credentials: credentials as Parameters<
                PermissionsService['authorize']
              >[1]['credentials'] as never,
              info: { userEntityRef: '', ownershipEntityRefs: [] },
            }
          : undefined,
      );
    };
    const service: PermissionsService = {
      async authorize(requests, { credentials }) {
        return Promise.all(
          requests.map(async ({ permission }) => {
            const decision = await decide(permission, credentials);
            if (decision.result === AuthorizeResult.CONDITIONAL) {
              throw new Error(
                `unexpected conditional decision for ${permission.name}`,
              );
            }
            return decision;
          }),
        );
      },
      async authorizeConditional(requests, { credentials }) {
        return Promise.all(
          requests.map(({ permission }) => decide(permission, credentials)),
        );
      },
    };
    return createServiceFactory({
      service: coreServices.permissions,
      deps: {},
      factory: () => service,
    });
  },
};
