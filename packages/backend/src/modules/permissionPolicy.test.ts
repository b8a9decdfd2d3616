import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { ConfigReader } from '@backstage/config';
import { createPermission } from '@backstage/plugin-permission-common';
import {
  readKubernetesProxyAccess,
  RunnerFleetPermissionPolicy,
} from './permissionPolicy';

const memberships: Record<string, string[]> = {
  'user:default/priya.payments': ['group:default/payments'],
  'user:default/ada.platform': ['group:default/platform'],
};

const userInfo = {
  async getUserInfo(credentials: { principal: unknown }) {
    const ref = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return {
      userEntityRef: ref,
      ownershipEntityRefs: [ref, ...(memberships[ref] ?? [])],
    };
  },
};

const policy = new RunnerFleetPermissionPolicy({ userInfo });

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

  describe('the Kubernetes proxy', () => {
    // As @backstage/plugin-kubernetes-common defines it.
    const proxy = createPermission({
      name: 'kubernetes.proxy',
      attributes: {},
    });
    const decide = (p: RunnerFleetPermissionPolicy, ref: string) =>
      p.handle({ permission: proxy }, user(ref)).then(d => d.result);
    const platformOnly = new RunnerFleetPermissionPolicy({
      userInfo,
      kubernetesProxy: 'platform',
    });

    it('is allowed to no one by default, the platform team included', async () => {
      await expect(decide(policy, 'user:default/priya.payments')).resolves.toBe(
        AuthorizeResult.DENY,
      );
      await expect(decide(policy, 'user:default/ada.platform')).resolves.toBe(
        AuthorizeResult.DENY,
      );
    });

    it('is allowed to platform members only when configured', async () => {
      await expect(
        decide(platformOnly, 'user:default/priya.payments'),
      ).resolves.toBe(AuthorizeResult.DENY);
      await expect(
        decide(platformOnly, 'user:default/ada.platform'),
      ).resolves.toBe(AuthorizeResult.ALLOW);
      await expect(
        platformOnly.handle({ permission: proxy }).then(d => d.result),
      ).resolves.toBe(AuthorizeResult.DENY);
    });

    it('reads runnerFleetPolicy.kubernetesProxy and names the key when it is wrong', () => {
      const read = (data: object) =>
        readKubernetesProxyAccess(new ConfigReader(data));
      expect(read({})).toBe('none');
      expect(read({ runnerFleetPolicy: { kubernetesProxy: 'platform' } })).toBe(
        'platform',
      );
      expect(() =>
        read({ runnerFleetPolicy: { kubernetesProxy: 'everyone' } }),
      ).toThrow(
        "runnerFleetPolicy.kubernetesProxy must be 'none' (the default) or 'platform', not 'everyone'",
      );
    });
  });
});
