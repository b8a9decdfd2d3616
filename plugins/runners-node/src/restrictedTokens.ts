import { BackstageCredentials } from '@backstage/backend-plugin-api';

/**
 * Whether a request under /api/runners is the one call a permission-restricted token (KEDA's)
 * is meant for: `GET /scaling/pools/{id}`. `path` is relative to the plugin's base path.
 *
 * @public
 */
export function isScalingSignalRead(method: string, path: string): boolean {
  return method === 'GET' && /^\/scaling\/pools\/[^/]+\/?$/.test(path);
}

/**
 * Whether `credentials` are a service token whose `accessRestrictions` name permissions or
 * actions (KEDA's static token names `runners.scaling.read`). Such a token is meant for the
 * routes of those permissions only, also where a route checks no permission or filters quietly
 * (a list would answer 200 with nothing rather than refuse).
 *
 * @public
 */
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
