import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { ResponseError } from '@backstage/errors';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EXAMPLE_FLAVOR_CATALOG } from '@runner-fleet/plugin-runners-common/testUtils';
import { RunnersApi, runnersApiRef } from '@runner-fleet/plugin-runners-react';
import { JsonObject } from '@backstage/types';
import { SWRConfig } from 'swr';
import { rootRouteRef } from '../routes';

/** A RunnersApi whose reads answer with empty data; override what a test is about. */
export function mockRunnersApi(
  overrides: Partial<RunnersApi> = {},
): jest.Mocked<RunnersApi> {
  const refuse = (name: string) =>
    jest.fn().mockRejectedValue(new Error(`${name} was not expected`));
  return {
    getFlavors: jest.fn().mockResolvedValue(EXAMPLE_FLAVOR_CATALOG),
    listPools: jest.fn().mockResolvedValue([]),
    getPool: refuse('getPool'),
    createPool: refuse('createPool'),
    validatePool: jest
      .fn()
      .mockResolvedValue({ errors: [], needsApproval: false }),
    updatePool: refuse('updatePool'),
    deletePool: refuse('deletePool'),
    listPoolEvents: jest.fn().mockResolvedValue([]),
    getPoolHealth: refuse('getPoolHealth'),
    getPoolRollout: jest.fn().mockResolvedValue({
      poolId: 'p',
      phase: 'stable',
      reason: 'UpToDate',
      message: 'every VM runs the current template',
      vms: { outdated: 0, updated: 0, draining: 0 },
      replaced: 0,
    }),
    abortPoolRollout: refuse('abortPoolRollout'),
    listFleetRollouts: jest.fn().mockResolvedValue([]),
    getFleetRollout: refuse('getFleetRollout'),
    startFleetRollout: refuse('startFleetRollout'),
    pauseFleetRollout: refuse('pauseFleetRollout'),
    resumeFleetRollout: refuse('resumeFleetRollout'),
    abortFleetRollout: refuse('abortFleetRollout'),
    listRequests: jest.fn().mockResolvedValue([]),
    approveRequest: refuse('approveRequest'),
    rejectRequest: refuse('rejectRequest'),
    listQuotas: jest.fn().mockResolvedValue([]),
    getFleetSummary: refuse('getFleetSummary'),
    listTeamHealth: jest.fn().mockResolvedValue([]),
    getShowback: refuse('getShowback'),
    getShowbackCsv: refuse('getShowbackCsv'),
    listAdvice: jest.fn().mockResolvedValue([]),
    getAdviceSources: jest.fn().mockResolvedValue({
      usage: {
        configured: true,
        message: 'CPU and memory use from Prometheus',
      },
    }),
    applyAdvice: refuse('applyAdvice'),
    dismissAdvice: refuse('dismissAdvice'),
    ...overrides,
  } as jest.Mocked<RunnersApi>;
}

/** A ResponseError as the backend sends it. */
export async function responseError(
  status: number,
  name: string,
  message: string,
) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: status === 403 ? 'Forbidden' : 'Error',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

/** Renders a view of the plugin mounted at /runners, as a member of `teams`. */
export function renderRunners(
  element: JSX.Element,
  options: {
    api: RunnersApi;
    teams?: string[];
    allow?: boolean | ((permission: string) => boolean);
    config?: JsonObject;
    mountPath?: string;
    path?: string;
    alertApi?: ReturnType<typeof mockApis.alert>;
  },
) {
  const { api, teams = ['payments'], allow = true } = options;
  const decide = (name: string) =>
    (typeof allow === 'function' ? allow(name) : allow)
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY;
  // A fresh cache per render: usePermission caches answers across tests otherwise.
  const wrapped = (
    <SWRConfig value={{ provider: () => new Map() }}>{element}</SWRConfig>
  );
  return renderInTestApp(wrapped, {
    apis: [
      [runnersApiRef, api],
      mockApis.identity({
        userEntityRef: 'user:default/guest',
        ownershipEntityRefs: [
          'user:default/guest',
          ...teams.map(t => `group:default/${t}`),
        ],
      }),
      mockApis.permission({ authorize: req => decide(req.permission.name) }),
      options.alertApi ?? mockApis.alert(),
    ],
    config: options.config,
    mountedRoutes: {
      '/runners': convertLegacyRouteRef(rootRouteRef),
      '/catalog/:namespace/:kind/:name': convertLegacyRouteRef(entityRouteRef),
    },
    mountPath: options.mountPath,
    initialRouteEntries: options.path ? [options.path] : undefined,
  });
}
