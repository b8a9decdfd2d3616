import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/** The Runners page: My fleet. */
export const rootRouteRef = createRouteRef({ id: 'runners' });

/** A pool's detail view. */
export const poolRouteRef = createSubRouteRef({
  id: 'runners/pool',
  parent: rootRouteRef,
  path: '/pools/:id',
});

/** The request form. */
export const requestRunnersRouteRef = createSubRouteRef({
  id: 'runners/request',
  parent: rootRouteRef,
  path: '/request',
});

/** Pending approvals and outcomes. */
export const requestsRouteRef = createSubRouteRef({
  id: 'runners/requests',
  parent: rootRouteRef,
  path: '/requests',
});

/** The whole fleet, for the platform team. */
export const fleetRouteRef = createSubRouteRef({
  id: 'runners/fleet',
  parent: rootRouteRef,
  path: '/fleet',
});
