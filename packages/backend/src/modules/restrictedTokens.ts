import {
  BackstageCredentials,
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';

/** What a permission-restricted token may call under /api/runners: KEDA's scaling read. */
const ALLOWED = [{ method: 'GET', path: /^\/scaling\/pools\/[^/]+\/?$/ }];

/** A service token whose `accessRestrictions` name permissions or actions. */
export function isPermissionRestricted(
  credentials: BackstageCredentials,
): boolean {
  const principal = credentials.principal as {
    type?: string;
    accessRestrictions?: {
      permissionNames?: string[];
      permissionAttributes?: object;
    };
  };
  const restrictions = principal.accessRestrictions;
  return (
    principal.type === 'service' &&
    !!restrictions &&
    (!!restrictions.permissionNames || !!restrictions.permissionAttributes)
  );
}

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
          if (
            ALLOWED.some(a => a.method === req.method && a.path.test(req.path))
          ) {
            return next();
          }
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
