import { createPermission } from '@backstage/plugin-permission-common';

/** Resource type of runner pools in the permission framework. */
export const RESOURCE_TYPE_RUNNERS_POOL = 'runners-pool';

/**
 * Create a pool. Checked together with {@link runnersPoolUpdatePermission}'s conditions on the
 * pool to be created, so a member creates pools only for a team they may manage.
 *
 * @public
 */
export const runnersPoolCreatePermission = createPermission({
  name: 'runners.pool.create',
  attributes: { action: 'create' },
});

/** Read a pool, its health and its events. @public */
export const runnersPoolReadPermission = createPermission({
  name: 'runners.pool.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_RUNNERS_POOL,
});

/** Change a pool's flavor, size, tags or autoscaling. @public */
export const runnersPoolUpdatePermission = createPermission({
  name: 'runners.pool.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_RUNNERS_POOL,
});

/** Delete a pool and everything provisioned for it. @public */
export const runnersPoolDeletePermission = createPermission({
  name: 'runners.pool.delete',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_RUNNERS_POOL,
});

/** Approve or reject requests that wait for the platform team. @public */
export const runnersRequestApprovePermission = createPermission({
  name: 'runners.request.approve',
  attributes: { action: 'update' },
});

/** See the whole fleet: every team's pools, ghosts, demand and capacity. @public */
export const runnersFleetReadPermission = createPermission({
  name: 'runners.fleet.read',
  attributes: { action: 'read' },
});

/**
 * Delete a pool now, cutting the jobs it runs instead of letting them drain. Meant for the
 * platform team. @public
 */
export const runnersPoolForceDeletePermission = createPermission({
  name: 'runners.pool.forceDelete',
  attributes: { action: 'delete' },
});

/**
 * Read a pool's scaling signal (`GET /scaling/pools/:id`, what KEDA's metrics-api trigger
 * polls). Separate from {@link runnersPoolReadPermission} so that KEDA's static token can be
 * restricted to this one permission (`accessRestrictions` in `backend.auth.externalAccess`)
 * and read nothing else.
 *
 * @public
 */
export const runnersScalingReadPermission = createPermission({
  name: 'runners.scaling.read',
  attributes: { action: 'read' },
});

/** Every permission of the runners plugin. @public */
export const runnersPermissions = [
  runnersPoolCreatePermission,
  runnersPoolReadPermission,
  runnersPoolUpdatePermission,
  runnersPoolDeletePermission,
  runnersRequestApprovePermission,
  runnersFleetReadPermission,
  runnersPoolForceDeletePermission,
  runnersScalingReadPermission,
];
