import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { RunnerFleetPermissionPolicy } from './permissionPolicy';

const memberships: Record<string, string[]> = {
  'user:default/priya.payments': ['group:default/payments'],
  'user:default/ada.platform': ['group:default/platform'],
};

const policy = new RunnerFleetPermissionPolicy({
  userInfo: {
    async getUserInfo(credentials) {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(memberships[ref] ?? [])],
      };
    },
  },
});

function user(userEntityRef: string): PolicyQueryUser {
  return {
    credentials: mockCredentials.user(userEntityRef),
    info: { userEntityRef, ownershipEntityRefs: [] },
  };
}

describe('RunnerFleetPermissionPolicy', () => {
  it('lets any member read the catalog', async () => {
    const decision = await policy.handle(
      { permission: catalogEntityReadPermission },
      user('user:default/priya.payments'),
    );
    expect(decision.result).toBe(AuthorizeResult.ALLOW);
  });

  it('reserves deleting catalog entities for the platform team', async () => {
    await expect(
      policy.handle(
        { permission: catalogEntityDeletePermission },
        user('user:default/priya.payments'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle(
        { permission: catalogEntityDeletePermission },
        user('user:default/ada.platform'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });
});
