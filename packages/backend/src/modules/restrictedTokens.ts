import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  isPermissionRestricted,
  isScalingSignalRead,
} from '@runner-fleet/plugin-runners-node';
import { NotAllowedError } from '@backstage/errors';

/**
 * Keeps KEDA's token (restricted to `runners.scaling.read`) to the scaling route across all
 * of /api/runners, including the routes Backstage itself adds to every plugin (scheduler
 * tasks and their triggers, permission metadata, the OpenAPI document), which the runners
 * router never sees. A module's routes come before those of the plugin's services.
 */
export default createBackendModule({
  pluginId: 'runners',
  moduleId: 'restricted-tokens',
  register(reg) {
    reg.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ httpRouter, httpAuth }) {
        httpRouter.use(async (req, _res, next) => {
          if (isScalingSignalRead(req.method, req.path)) return next();
          const credentials = await httpAuth
            .credentials(req)
            .catch(() => undefined);
          if (credentials && isPermissionRestricted(credentials)) {
            return next(
              new NotAllowedError(
                'this token is restricted to runners.scaling.read: it may only GET /api/runners/scaling/pools/{id}',
              ),
            );
          }
          return next();
        });
      },
    });
  },
});
