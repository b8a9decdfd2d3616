import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  runnersFleetReadPermission,
  runnersPoolReadPermission,
} from '@runner-fleet/plugin-runners-common';
import { PoolPermissions } from './PoolPermissions';

/** A permission client whose first `failures` requests die as node-fetch reports a reset socket. */
function flakyPermissions(failures: number, code = 'ECONNRESET') {
  let calls = 0;
  const answer = async () => {
    calls += 1;
    if (calls <= failures) {
      throw Object.assign(
        new Error(
          `request to http://127.0.0.1:7007/api/permission/authorize failed, reason: read ${code}`,
        ),
        { name: 'FetchError', type: 'system', code, errno: code },
      );
    }
    return [{ result: AuthorizeResult.ALLOW }];
  };
  const service = {
    authorize: answer,
    authorizeConditional: answer,
  } as unknown as PermissionsService;
  return { service, calls: () => calls };
}

describe('PoolPermissions', () => {
  const credentials = mockCredentials.user('user:default/ada.platform');

  it('asks again once when the permission request died on a reset connection', async () => {
    const flaky = flakyPermissions(1);
    const permissions = PoolPermissions.create({ permissions: flaky.service });
    await expect(
      permissions.allowsTeam(
        runnersPoolReadPermission,
        'payments',
        credentials,
      ),
    ).resolves.toBe(true);
    await expect(
      permissions.allowsBasic(runnersFleetReadPermission, credentials),
    ).resolves.toBe(true);
    expect(flaky.calls()).toBe(3);
  });

  it('gives up after the second reset, and never retries other errors', async () => {
    const twice = flakyPermissions(2);
    await expect(
      PoolPermissions.create({ permissions: twice.service }).allowsBasic(
        runnersFleetReadPermission,
        credentials,
      ),
    ).rejects.toThrow(/ECONNRESET/);
    expect(twice.calls()).toBe(2);

    const refused = flakyPermissions(1, 'ECONNREFUSED');
    await expect(
      PoolPermissions.create({ permissions: refused.service }).allowsBasic(
        runnersFleetReadPermission,
        credentials,
      ),
    ).rejects.toThrow(/ECONNREFUSED/);
    expect(refused.calls()).toBe(1);
  });
});
