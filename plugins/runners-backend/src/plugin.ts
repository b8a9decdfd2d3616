import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { runnersPermissions } from '@runner-fleet/plugin-runners-common';
import {
  RunnersCiProviderExtensionPoint,
  runnersCiProviderExtensionPoint,
  runnersPoolPermissionRules,
  runnersPoolResourceRef,
} from '@runner-fleet/plugin-runners-node';
import { GitLabCiProvider } from './ci';
import { readRunnersConfig } from './config';
import { DatabaseHistoryStore } from './database/DatabaseHistoryStore';
import { DatabaseUsageStore } from './database/DatabaseUsageStore';
import { PrometheusUsageSource } from './capacity/usage/PrometheusUsageSource';
import { UsageCollector } from './capacity/usage/UsageCollector';
import { DatabasePoolStore } from './database/DatabasePoolStore';
import { DatabaseRolloutStore } from './database/DatabaseRolloutStore';
import { DatabaseFleetRolloutStore } from './database/DatabaseFleetRolloutStore';
import { FleetRollouts } from './fleetRollout/FleetRollouts';
import { startFleet } from './fleet/startFleet';
import { connectClusters } from './provisioning/connectClusters';
import {
  readGoldenImage,
  resolveGoldenImage,
} from './provisioning/goldenImagePin';
import { PoolPermissions } from './service/PoolPermissions';
import { PoolService } from './service/PoolService';
import { ApprovalService } from './service/ApprovalService';
import { PoolQueries } from './service/PoolQueries';
import { createRouter } from './service/router';
import { ShowbackService } from './capacity/ShowbackService';
import { AdviceService } from './capacity/AdviceService';
import { AdviceDismissals } from './capacity/AdviceDismissals';

/**
 * The runners backend plugin: runner pools, approvals, provisioning and fleet health.
 *
 * @public
 */
export const runnersPlugin = createBackendPlugin({
  pluginId: 'runners',
  register(env) {
    let customCiProvider:
      | Parameters<RunnersCiProviderExtensionPoint['setCiProvider']>[0]
      | undefined;
    env.registerExtensionPoint(runnersCiProviderExtensionPoint, {
      setCiProvider(provider) {
        if (customCiProvider) {
          throw new Error(
            'runners: a CI provider was already set through runnersCiProviderExtensionPoint; install only one module that sets it',
          );
        }
        customCiProvider = provider;
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        metrics: metricsServiceRef,
      },
      async init(deps) {
        const { logger } = deps;
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

        const gitlab =
          config.gitlab &&
          GitLabCiProvider.create({ settings: config.gitlab, logger });
        const ci =
          typeof customCiProvider === 'function'
            ? customCiProvider({ getDefault: () => gitlab || undefined })
            : customCiProvider ?? (gitlab || undefined);
        const clusters = connectClusters(config.clusters, logger);
        // The pool store above has just run every migration of this package.
        const rollouts = await DatabaseRolloutStore.create({
          database: deps.database,
          skipMigrations: true,
        });
        const history = await DatabaseHistoryStore.create({
          database: deps.database,
          skipMigrations: true,
        });
        const usage = await DatabaseUsageStore.create({
          database: deps.database,
          skipMigrations: true,
        });
        const fleet = await startFleet({
          config,
          store,
          queue: store.reconcileQueue(),
          history,
          usage,
          rollouts,
          ci,
          // A custom provider spends its own budget; the poller then counts calls.
          budget: gitlab && ci === gitlab ? gitlab.budget : undefined,
          clusters,
          scheduler: deps.scheduler,
          lifecycle: deps.lifecycle,
          logger,
          metrics: deps.metrics,
        });

        if (config.usage) {
          const collector = UsageCollector.create({
            source: PrometheusUsageSource.create(config.usage.prometheus),
            usage,
            pools: store,
            flavors: config.catalog.flavors,
            logger,
          });
          await deps.scheduler.scheduleTask({
            id: 'runners-usage-collect',
            ...config.schedules.tasks.usageCollect,
            fn: async () => {
              await collector.collect();
            },
          });
        }

        const fleetRollouts = FleetRollouts.create({
          store,
          rollouts,
          fleetRollouts: await DatabaseFleetRolloutStore.create({
            database: deps.database,
            skipMigrations: true,
          }),
          catalog: config.catalog,
          vmCount: poolId => fleet.health.vmisOf(poolId).length,
          goldenImageOf: async image => {
            const primary = clusters.find(c => c.target.role === 'primary');
            if (!primary) return undefined;
            return resolveGoldenImage(
              image,
              await readGoldenImage(primary.client, {
                flavor: { image },
              }),
            );
          },
          onChange: poolId => fleet.kick(poolId),
          logger,
        });
        await deps.scheduler.scheduleTask({
          id: 'runners-fleet-rollouts',
          ...config.schedules.tasks.fleetRollouts,
          fn: () => fleetRollouts.advanceAll(),
        });

        const permissions = PoolPermissions.create({
          permissions: deps.permissions,
        });
        const pools = PoolService.create({
          store,
          config,
          permissions,
          catalog: deps.catalog,
          auditor: deps.auditor,
          logger,
          onChange: poolId => fleet.kick(poolId),
        });
        const approvals = ApprovalService.create({
          store,
          config,
          permissions,
          auditor: deps.auditor,
          onChange: poolId => fleet.kick(poolId),
        });
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            pools,
            approvals,
            queries: PoolQueries.create({
              store,
              config,
              permissions,
              userInfo: deps.userInfo,
            }),
            permissions,
            fleet: fleet.health,
            rollouts: {
              auditor: deps.auditor,
              store,
              rollouts,
              onChange: poolId => fleet.kick(poolId),
            },
            fleetRollouts: { auditor: deps.auditor, service: fleetRollouts },
            showback: ShowbackService.create({ history, config, permissions }),
            advice: AdviceService.create({
              history,
              store,
              pools,
              permissions,
              dismissals: await AdviceDismissals.create({
                database: deps.database,
              }),
              catalog: config.catalog,
              usage,
              usageConfigured: config.usage !== undefined,
            }),
          }),
        );
      },
    });
  },
});
