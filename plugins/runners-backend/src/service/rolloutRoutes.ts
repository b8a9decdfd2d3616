import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import {
  PoolRollout,
  runnersPoolUpdatePermission,
} from '@runner-fleet/plugin-runners-common';
import { PoolStore } from '../database/PoolStore';
import { RolloutRecord, RolloutStore } from '../database/RolloutStore';
import { abortRollout } from '../provisioning/rollout/abortRollout';
import { createOpenApiRouter } from '../schema/openapi';
import { audited } from './audit';
import { PoolPermissions } from './PoolPermissions';
import { PoolService } from './PoolService';

type ApiRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;

/** The API view of a stored rollout; a pool that never rolled is `stable`. */
export function toApiRollout(
  poolId: string,
  record: RolloutRecord | undefined,
): PoolRollout {
  if (!record) {
    return {
      poolId,
      phase: 'stable',
      reason: 'UpToDate',
      message: 'no rollout yet',
      vms: { outdated: 0, updated: 0, draining: 0 },
      replaced: 0,
    };
  }
  return {
    poolId,
    phase: record.phase,
    reason: record.reason,
    message: record.message,
    vms: record.vms,
    replaced: record.replaced,
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    updatedAt: record.updatedAt,
  };
}

/**
 * `GET /pools/{id}/rollout` (whoever may read the pool) and `POST /pools/{id}/rollout/abort`
 * (whoever may change it; audited as `pool-rollout-abort`). The abort is a pool change like any
 * other: it goes through the store, and the reconciler does the rest.
 */
export function addRolloutRoutes(
  router: ApiRouter,
  options: {
    httpAuth: HttpAuthService;
    pools: PoolService;
    permissions: PoolPermissions;
    auditor: AuditorService;
    store: PoolStore;
    rollouts: RolloutStore;
    onChange: (poolId: string) => void;
  },
): void {
  const { httpAuth, pools, permissions, rollouts } = options;

  router.get('/pools/:id/rollout', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { record } = await pools.getPool(req.params.id, credentials);
    res.json(toApiRollout(record.id, await rollouts.get(record.id)));
  });

  router.post('/pools/:id/rollout/abort', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { record } = await pools.getPool(req.params.id, credentials);
    const rollout = await audited(
      options.auditor,
      'pool-rollout-abort',
      credentials,
      { team: record.team, pool: record.name, poolId: record.id },
      async () => {
        await permissions.assert(
          runnersPoolUpdatePermission,
          record,
          credentials,
        );
        return abortRollout(
          { store: options.store, rollouts },
          record.id,
          credentials.principal.userEntityRef,
        );
      },
    );
    options.onChange(record.id);
    res.status(202).json(toApiRollout(record.id, rollout));
  });
}
