/*
 * The example Runner Fleet backend: catalog, scaffolder, kubernetes, permissions with the
 * organisation's policy, guest sign-in for local runs, and the runners plugins.
 */
// First: the metrics exporter must be in place before plugins create their meters.
import './instrumentation';
import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouter } from './rootHttpRouter';

const backend = createBackend();

// 414 for an oversized URL, before any plugin sees it.
backend.add(rootHttpRouter);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// Local runs and browser tests only: sign in as any example user (see the module).
backend.add(import('./modules/devUsersAuthProvider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicy'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@runner-fleet/plugin-scaffolder-backend-module-runners'));

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-kubernetes-backend'));

backend.add(import('@runner-fleet/plugin-runners-backend'));
// KEDA's token reads scaling signals and nothing else, Backstage's own routes included.
backend.add(import('./modules/restrictedTokens'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-events-backend'));

backend.start();
