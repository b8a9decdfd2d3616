import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { runnersPermissions } from '@runner-fleet/plugin-runners-common';
import {
  runnersPoolPermissionRules,
  runnersPoolResourceRef,
} from '@runner-fleet/plugin-runners-node';
import { readRunnersConfig } from './config';
import { DatabasePoolStore } from './database/DatabasePoolStore';
import { PoolPermissions } from './service/PoolPermissions';
import { PoolService } from './service/PoolService';
import { createRouter } from './service/router';

/**
 * The runners backend plugin: runner pools, approvals, provisioning and fleet health.
 *
 * @public
 */
export const runnersPlugin = createBackendPlugin({
  pluginId: 'runners',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const config = readRunnersConfig(deps.config);
        const store = await DatabasePoolStore.create({
          database: deps.database,
        });

        deps.permissionsRegistry.addResourceType({
          resourceRef: runnersPoolResourceRef,
          permissions: runnersPermissions,
          rules: Object.values(runnersPoolPermissionRules),
          getResources: ids => Promise.all(ids.map(id => store.getPool(id))),
        });

        const pools = PoolService.create({
          store,
          config,
          permissions: PoolPermissions.create({
            permissions: deps.permissions,
          }),
          userInfo: deps.userInfo,
          catalog: deps.catalog,
          auditor: deps.auditor,
          logger: deps.logger,
        });
        deps.httpRouter.use(
          await createRouter({ httpAuth: deps.httpAuth, pools }),
        );
      },
    });
  },
});
