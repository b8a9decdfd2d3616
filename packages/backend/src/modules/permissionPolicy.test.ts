import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogEntityDeletePermission } from '@backstage/plugin-catalog-common/alpha';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { RunnerFleetPermissionPolicy } from './permissionPolicy';

function member(...groups: string[]): PolicyQueryUser {
  const userEntityRef = 'user:default/someone';
  return {
    info: { userEntityRef, ownershipEntityRefs: [userEntityRef, ...groups] },
    token: 'token',
    credentials: {} as PolicyQueryUser['credentials'],
  };
}

describe('RunnerFleetPermissionPolicy', () => {
  const policy = new RunnerFleetPermissionPolicy();

  it('lets any member read the catalog', async () => {
    const decision = await policy.handle(
      { permission: catalogEntityReadPermission },
      member('group:default/payments'),
    );
    expect(decision.result).toBe(AuthorizeResult.ALLOW);
  });

  it('reserves deleting catalog entities for the platform team', async () => {
    await expect(
      policy.handle(
        { permission: catalogEntityDeletePermission },
        member('group:default/payments'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle(
        { permission: catalogEntityDeletePermission },
        member('group:default/platform'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });
});
