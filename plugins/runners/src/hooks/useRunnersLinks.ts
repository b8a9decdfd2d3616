import { useRouteRef } from '@backstage/core-plugin-api';
import { useCallback, useMemo } from 'react';
import {
  fleetRouteRef,
  poolRouteRef,
  requestRunnersRouteRef,
  requestsRouteRef,
  rootRouteRef,
} from '../routes';

/** Paths of the plugin's views, resolved where the app mounted the Runners page. */
export function useRunnersLinks() {
  const root = useRouteRef(rootRouteRef);
  const pool = useRouteRef(poolRouteRef);
  const request = useRouteRef(requestRunnersRouteRef);
  const requests = useRouteRef(requestsRouteRef);
  const fleet = useRouteRef(fleetRouteRef);
  const poolLink = useCallback((id: string) => pool({ id }), [pool]);
  const requestLink = useCallback(
    (team?: string) =>
      team ? `${request()}?team=${encodeURIComponent(team)}` : request(),
    [request],
  );
  return useMemo(
    () => ({
      myFleet: root(),
      pool: poolLink,
      request: requestLink,
      requests: requests(),
      fleet: fleet(),
    }),
    [root, poolLink, requestLink, requests, fleet],
  );
}
