import { APIRequestContext, expect } from '@playwright/test';

/** A pool spec for the payments team, standard flavor, group scope; override what a test needs. */
export function poolSpec(
  name: string,
  overrides: Record<string, unknown> = {},
) {
  return {
    team: 'payments',
    name,
    flavor: 'm1.large',
    autoscaling: {
      minReplicas: 1,
      maxReplicas: 2,
      targetUtilization: 0.3,
      scaleToZero: false,
      burst: false,
    },
    gitlab: {
      scope: { type: 'group', path: 'engineering/payments' },
      tags: ['docker'],
      runUntagged: false,
    },
    ...overrides,
  };
}

/** A Backstage token for an example user (`guest`, or a devusers user such as `ada.platform`). */
export async function tokenFor(
  request: APIRequestContext,
  user = 'guest',
): Promise<string> {
  const url =
    user === 'guest'
      ? '/api/auth/guest/refresh'
      : `/api/auth/devusers/refresh?user=${user}`;
  const res = await request.post(url, {
    headers: {
      'Content-Type': 'application/json',
      'X-Requested-With': 'XMLHttpRequest',
    },
    data: {},
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  return (await res.json()).backstageIdentity.token;
}

/**
 * Creates a pool through the runners API as the guest (a member of payments), for tests whose
 * subject is how the portal shows it rather than the form. Returns the pool's id.
 */
export async function createPool(
  request: APIRequestContext,
  spec: ReturnType<typeof poolSpec>,
): Promise<string> {
  let id = '';
  // Right after start-up the catalog may not have ingested the guest's team yet (403): retry.
  await expect(async () => {
    const token = await tokenFor(request);
    const res = await request.post('/api/runners/pools', {
      headers: { Authorization: `Bearer ${token}` },
      data: spec,
    });
    expect(res.ok(), await res.text()).toBeTruthy();
    id = (await res.json()).pool.id;
  }).toPass({ timeout: 60_000 });
  return id;
}
