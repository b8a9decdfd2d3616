import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  runnersFleetReadPermission,
  runnersPoolReadPermission,
} from '@runner-fleet/plugin-runners-common';
import { createOpenApiRouter } from '../schema/openapi';
import { FleetService } from '../fleet/FleetService';
import { PoolPermissions } from './PoolPermissions';
import { PoolService } from './PoolService';

type ApiRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;

/** Fleet health and the KEDA scaling signal. Everything is served from memory. */
export function addFleetRoutes(
  router: ApiRouter,
  options: {
    httpAuth: HttpAuthService;
    pools: PoolService;
    permissions: PoolPermissions;
    fleet: FleetService;
  },
): void {
  const { httpAuth, pools, permissions, fleet } = options;
  const readers = { allow: ['user', 'service'] as Array<'user' | 'service'> };

  router.get('/health', async (req, res) => {
    const credentials = await httpAuth.credentials(req, readers);
    await permissions.assertBasic(
      runnersFleetReadPermission,
      credentials,
      'the fleet overview is for the platform team; see your team under /health/teams',
    );
    res.json(fleet.summary(await fleet.currentPools()));
  });

  router.get('/health/teams', async (req, res) => {
    const credentials = await httpAuth.credentials(req, readers);
    const allowed = await permissions.filter(
      runnersPoolReadPermission,
      credentials,
    );
    const team = req.query.team;
    const visible = (await fleet.currentPools()).filter(
      p => allowed(p) && (!team || p.team === team),
    );
    res.json({ items: fleet.teams(visible) });
  });

  router.get('/pools/:id/health', async (req, res) => {
    const credentials = await httpAuth.credentials(req, readers);
    const { record: pool } = await pools.getPool(req.params.id, credentials);
    const events = (await pools.listEvents(pool.id, credentials)).map(e => ({
      at: e.at,
      poolId: e.poolId,
      team: pool.team,
      kind: 'state' as const,
      message: `${e.state}: ${e.reason}${e.actor ? ` (${e.actor})` : ''}`,
    }));
    res.json(await fleet.poolDetail(pool, events));
  });

  router.get('/scaling/pools/:id', async (req, res) => {
    // KEDA presents the static external-access token (a service principal); platform users
    // may look too, to debug scaling.
    const credentials = await httpAuth.credentials(req, readers);
    if (
      (credentials.principal as { type?: string }).type === 'user' &&
      !(await permissions.allowsBasic(runnersFleetReadPermission, credentials))
    ) {
      throw new NotAllowedError(
        'scaling signals are for KEDA and the platform team',
      );
    }
    // From the last refresh; a pool created since then is looked up once in the store.
    const pool =
      fleet.cachedPools().find(p => p.id === req.params.id) ??
      (await fleet.currentPools()).find(p => p.id === req.params.id);
    if (!pool)
      throw new NotFoundError(
        `pool '${req.params.id}' does not exist or is not active`,
      );
    res.json(fleet.scaling(pool));
  });
}
