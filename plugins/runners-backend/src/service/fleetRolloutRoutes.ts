import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { runnersRequestApprovePermission } from '@runner-fleet/plugin-runners-common';
import { FleetRollouts } from '../fleetRollout/FleetRollouts';
import { FleetRolloutView } from '../fleetRollout/fleetRolloutView';
import { createOpenApiRouter } from '../schema/openapi';
import { FleetRollout } from '../schema/openapi/generated/models';
import { audited } from './audit';
import { PoolPermissions } from './PoolPermissions';

type ApiRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;

/** The API view of a fleet rollout. */
export function toApiFleetRollout(view: FleetRolloutView): FleetRollout {
  const { rollout } = view;
  return {
    id: rollout.id,
    flavor: rollout.flavor,
    image: rollout.target.image,
    ...(rollout.targetGoldenImage
      ? { goldenImage: { ...rollout.targetGoldenImage } }
      : {}),
    phase: rollout.phase,
    reason: rollout.reason,
    message: rollout.message,
    canaryPools: rollout.canaryPools,
    maxVmPercent: rollout.maxVmPercent,
    createdBy: rollout.createdBy,
    createdAt: rollout.createdAt,
    updatedAt: rollout.updatedAt,
    ...(rollout.finishedAt ? { finishedAt: rollout.finishedAt } : {}),
    pools: view.pools.map(p => ({
      poolId: p.poolId,
      ...(p.team ? { team: p.team } : {}),
      ...(p.name ? { name: p.name } : {}),
      status: p.status,
      canary: p.canary,
      vms: p.vms,
      ...(p.message ? { message: p.message } : {}),
    })),
    progress: view.progress,
  };
}

/**
 * `GET|POST /fleet/rollouts`, `GET /fleet/rollouts/{id}` and `POST /fleet/rollouts/{id}/pause|
 * resume|abort`: for the platform team (whoever may approve requests). Every change is audited
 * (`fleet-rollout-start`, `-pause`, `-resume`, `-abort`).
 */
export function addFleetRolloutRoutes(
  router: ApiRouter,
  options: {
    httpAuth: HttpAuthService;
    permissions: PoolPermissions;
    auditor: AuditorService;
    fleetRollouts: FleetRollouts;
  },
): void {
  const { httpAuth, permissions, fleetRollouts, auditor } = options;
  const platformOnly = (credentials: BackstageCredentials) =>
    permissions.assertBasic(
      runnersRequestApprovePermission,
      credentials,
      'fleet rollouts are for the platform team (runners.request.approve); ask them to roll a flavor out',
    );
  const user = async (req: Parameters<HttpAuthService['credentials']>[0]) =>
    httpAuth.credentials(req, { allow: ['user'] });

  router.get('/fleet/rollouts', async (req, res) => {
    await platformOnly(await user(req));
    res.json((await fleetRollouts.list()).map(toApiFleetRollout));
  });

  router.get('/fleet/rollouts/:id', async (req, res) => {
    await platformOnly(await user(req));
    res.json(toApiFleetRollout(await fleetRollouts.get(req.params.id)));
  });

  router.post('/fleet/rollouts', async (req, res) => {
    const credentials = await user(req);
    const view = await audited(
      auditor,
      'fleet-rollout-start',
      credentials,
      { flavor: req.body.flavor },
      async () => {
        await platformOnly(credentials);
        return fleetRollouts.start(
          req.body,
          credentials.principal.userEntityRef,
        );
      },
    );
    res.status(201).json(toApiFleetRollout(view));
  });

  for (const action of ['pause', 'resume', 'abort'] as const) {
    router.post(`/fleet/rollouts/:id/${action}`, async (req, res) => {
      const credentials = await user(req);
      const id = req.params.id;
      const view = await audited(
        auditor,
        `fleet-rollout-${action}`,
        credentials,
        { fleetRolloutId: id },
        async () => {
          await platformOnly(credentials);
          if (action === 'pause') return fleetRollouts.pause(id);
          if (action === 'resume') return fleetRollouts.resume(id);
          return fleetRollouts.abort(id, credentials.principal.userEntityRef);
        },
      );
      res.json(toApiFleetRollout(view));
    });
  }
}
