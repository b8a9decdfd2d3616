import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import { createOpenApiRouter } from '../schema/openapi';
import { assertKnownFields } from './normalize';
import { PoolService } from './PoolService';
import { ApprovalService } from './ApprovalService';
import { PoolQueries } from './PoolQueries';
import { PreconditionFailedError } from './conflicts';
import { PoolPermissions } from './PoolPermissions';
import { FleetService } from '../fleet/FleetService';
import { addRolloutRoutes } from './rolloutRoutes';
import { addFleetRolloutRoutes } from './fleetRolloutRoutes';
import { FleetRollouts } from '../fleetRollout/FleetRollouts';
import { addFleetRoutes, refuseRestrictedTokens } from './fleetRoutes';
import { jsonBody } from './jsonBody';
import { addCapacityRoutes } from '../capacity/capacityRoutes';
import { ShowbackService } from '../capacity/ShowbackService';
import { AdviceService } from '../capacity/AdviceService';

/**
 * The runners HTTP API. Shapes are validated by the OpenAPI spec (src/schema/openapi.yaml);
 * everything else is the service's job.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  pools: PoolService;
  approvals: ApprovalService;
  queries: PoolQueries;
  permissions: PoolPermissions;
  fleet: FleetService;
  /** Rollout status and abort; without it those routes answer 404. */
  rollouts?: Omit<
    Parameters<typeof addRolloutRoutes>[1],
    'httpAuth' | 'pools' | 'permissions'
  >;
  /** Fleet rollouts of catalog flavors; without it those routes answer 404. */
  fleetRollouts?: {
    auditor: Parameters<typeof addFleetRolloutRoutes>[1]['auditor'];
    service: FleetRollouts;
  };
  showback: ShowbackService;
  advice: AdviceService;
}): Promise<express.Router> {
  const { httpAuth, pools, approvals, queries } = options;
  const router = await createOpenApiRouter({
    middleware: [refuseRestrictedTokens(httpAuth), ...jsonBody()],
  });
  addFleetRoutes(router, options);
  if (options.rollouts) {
    addRolloutRoutes(router, { ...options, ...options.rollouts });
  }
  if (options.fleetRollouts) {
    addFleetRolloutRoutes(router, {
      ...options,
      auditor: options.fleetRollouts.auditor,
      fleetRollouts: options.fleetRollouts.service,
    });
  }
  addCapacityRoutes(router, options);
  // Reads are open to users and services; changes act for a user, whose teams decide.
  const readers = { allow: ['user', 'service'] as Array<'user' | 'service'> };
  const users = { allow: ['user'] as Array<'user'> };

  router.get('/flavors', async (req, res) => {
    await httpAuth.credentials(req, readers);
    res.json(queries.listFlavors());
  });

  router.get('/pools', async (req, res) => {
    const items = await pools.listPools(
      await httpAuth.credentials(req, readers),
      { team: req.query.team },
    );
    res.json({ items });
  });

  router.post('/pools', async (req, res) => {
    assertKnownFields(req.body, 'spec');
    const dryRun = req.query.dryRun === true;
    const change = await pools.createPool(
      req.body,
      await httpAuth.credentials(req, users),
      { dryRun },
    );
    res.status(dryRun ? 200 : 202).json(change);
  });

  router.post('/pools/validate', async (req, res) => {
    assertKnownFields(req.body, 'spec');
    res.json(
      await queries.validate(
        req.body,
        await httpAuth.credentials(req, readers),
      ),
    );
  });

  router.get('/pools/:id', async (req, res) => {
    const { pool, etag } = await pools.getPool(
      req.params.id,
      await httpAuth.credentials(req, readers),
    );
    res.setHeader('ETag', etag);
    res.json(pool);
  });

  router.patch('/pools/:id', async (req, res) => {
    assertKnownFields(req.body, 'update');
    const { etag, ...change } = await pools.updatePool(
      req.params.id,
      req.body,
      await httpAuth.credentials(req, users),
      { ifMatch: req.header('if-match') },
    );
    res.setHeader('ETag', etag);
    res.status(202).json(change);
  });

  router.delete('/pools/:id', async (req, res) => {
    res
      .status(202)
      .json(
        await pools.deletePool(
          req.params.id,
          await httpAuth.credentials(req, users),
          { force: req.query.force === true, ifMatch: req.header('if-match') },
        ),
      );
  });

  router.get('/pools/:id/events', async (req, res) => {
    res.json({
      items: await pools.listEvents(
        req.params.id,
        await httpAuth.credentials(req, readers),
      ),
    });
  });

  router.get('/requests', async (req, res) => {
    res.json({
      items: await approvals.listRequests(
        await httpAuth.credentials(req, readers),
        { status: req.query.status },
      ),
    });
  });

  router.post('/requests/:id/approve', async (req, res) => {
    res.json(
      await approvals.decideRequest(
        req.params.id,
        { approve: true, reason: req.body?.reason },
        await httpAuth.credentials(req, users),
      ),
    );
  });

  router.post('/requests/:id/reject', async (req, res) => {
    res.json(
      await approvals.decideRequest(
        req.params.id,
        { approve: false, reason: req.body.reason },
        await httpAuth.credentials(req, users),
      ),
    );
  });

  router.get('/quotas', async (req, res) => {
    res.json({
      items: await queries.listQuotas(
        await httpAuth.credentials(req, readers),
        req.query.team,
      ),
    });
  });

  // 412 for a failed If-Match, in the error shape Backstage uses for every other status.
  router.use(
    (
      error: unknown,
      req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (!(error instanceof PreconditionFailedError)) {
        next(error);
        return;
      }
      res.status(412).json({
        error: { name: error.name, message: error.message },
        request: { method: req.method, url: req.originalUrl },
        response: { statusCode: 412 },
      });
    },
  );

  return router;
}
