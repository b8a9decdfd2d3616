import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  LoggerService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { httpRouterServiceFactory } from '@backstage/backend-defaults/httpRouter';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { permissionsRegistryServiceFactory } from '@backstage/backend-defaults/permissionsRegistry';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import { startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { loadConfig } from '@backstage/config-loader';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import appBackend from '@backstage/plugin-app-backend';
import proxyBackend from '@backstage/plugin-proxy-backend';
import authBackend from '@backstage/plugin-auth-backend';
import authBackendModuleGuestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import devUsersAuthProvider from '../modules/devUsersAuthProvider';
import catalogBackend from '@backstage/plugin-catalog-backend';
import catalogBackendModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import catalogBackendModuleLogs from '@backstage/plugin-catalog-backend-module-logs';
import permissionBackend from '@backstage/plugin-permission-backend';
import permissionPolicy from '../modules/permissionPolicy';
import scaffolderBackend from '@backstage/plugin-scaffolder-backend';
import scaffolderBackendModuleRunners from '@runner-fleet/plugin-scaffolder-backend-module-runners';
import searchBackend from '@backstage/plugin-search-backend';
import searchBackendModuleCatalog from '@backstage/plugin-search-backend-module-catalog';
import kubernetesBackend from '@backstage/plugin-kubernetes-backend';
import runnersBackend from '@runner-fleet/plugin-runners-backend';
import restrictedTokens from '../modules/restrictedTokens';
import userSettingsBackend from '@backstage/plugin-user-settings-backend';
import signalsBackend from '@backstage/plugin-signals-backend';
import eventsBackend from '@backstage/plugin-events-backend';
import { ClusterConnection, kubeconfigYamlFor } from '@runner-fleet/testenv';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function findRepoRoot(dir: string): string {
  if (
    existsSync(join(dir, 'app-config.yaml')) &&
    existsSync(join(dir, 'k8s'))
  ) {
    return dir;
  }
  const parent = dirname(dir);
  if (parent === dir)
    throw new Error('app-config.yaml not found above the tests');
  return findRepoRoot(parent);
}

/** The repository root, holding app-config.yaml. */
export const REPO_ROOT = findRepoRoot(resolve(__dirname));

/** Every line any plugin logged, as JSON, for the token scan. */
export class CapturedLogs {
  readonly lines: string[] = [];

  logger(fields: Record<string, unknown> = {}): RootLoggerService {
    const write =
      (level: string) => (message: string, meta?: Error | object) => {
        const extra =
          meta instanceof Error
            ? { error: meta.message, stack: meta.stack }
            : meta;
        this.lines.push(
          JSON.stringify({ level, message, ...fields, ...extra }),
        );
      };
    return {
      error: write('error'),
      warn: write('warn'),
      info: write('info'),
      debug: write('debug'),
      child: (meta: Record<string, unknown>): LoggerService =>
        this.logger({ ...fields, ...meta }),
    };
  }
}

/**
 * Signs in as any catalog user (`/api/auth/testusers/refresh?user=...`) through the real auth
 * backend, so the tests hold real Backstage user tokens. The example's `devusers` provider does
 * the same but only in development mode, and this backend runs as in production.
 */
const testUsersProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'test-users-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'testusers',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async () => ({ profile: {} }),
              initialize: () => ({}),
              async authenticate({ req }) {
                return {
                  result: { userEntityRef: `user:default/${req.query.user}` },
                };
              },
            }),
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({ entityRef: result.userEntityRef }),
          }),
        });
      },
    });
  },
});

/** Where the example backend under test keeps its state and what it talks to. */
export interface ExampleBackendOptions {
  /** Temporary directory: SQLite files and the backend's kubeconfig. */
  dataDir: string;
  /** The test control plane. */
  cluster: ClusterConnection;
  /** The GitLab emulator's base URL. */
  gitlabUrl: string;
  /** Receives every log line. */
  logs: CapturedLogs;
  /** `backend.auth.externalAccess` entries added to app-config.yaml's (e.g. a service token). */
  extraExternalAccess?: object[];
}

/**
 * The example backend (packages/backend/src/index.ts) with its real app-config.yaml and
 * Backstage's real auth, permissions, httpRouter, database and scheduler services, running
 * as in production: SQLite files in `dataDir`, the Kubernetes plugin reading the test control
 * plane as the portal viewer, the runners plugin provisioning on it as the backend.
 */
export async function startExampleBackend(options: ExampleBackendOptions) {
  const { dataDir, cluster, gitlabUrl, logs } = options;
  const backendKubeconfig = join(dataDir, 'backend.kubeconfig');
  writeFileSync(
    backendKubeconfig,
    kubeconfigYamlFor(cluster, 'runner-fleet-backend'),
    { mode: 0o600 },
  );
  const { appConfigs } = await loadConfig({
    configRoot: REPO_ROOT,
    configTargets: [{ path: join(REPO_ROOT, 'app-config.yaml') }],
  });
  const appConfig = ConfigReader.fromConfigs(appConfigs);
  const externalAccess = appConfig.get<object[]>('backend.auth.externalAccess');
  // File locations in app-config.yaml are relative to the backend package, where `yarn start`
  // runs it; a repository-wide Jest run has the repository root as its working directory.
  const locations = appConfig
    .getConfigArray('catalog.locations')
    .map(location => ({
      ...location.get<Record<string, unknown>>(),
      ...(location.getString('type') === 'file' && {
        target: resolve(
          REPO_ROOT,
          'packages',
          'backend',
          location.getString('target'),
        ),
      }),
    }));
  const overrides = {
    auth: { providers: { testusers: {} } },
    catalog: { locations },
    backend: {
      auth: {
        externalAccess: [
          ...externalAccess,
          ...(options.extraExternalAccess ?? []),
        ],
      },
      database: {
        client: 'better-sqlite3',
        connection: { directory: join(dataDir, 'sqlite') },
      },
    },
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'local',
              url: cluster.server,
              authProvider: 'serviceAccount',
              serviceAccountToken: cluster.tokens['runner-fleet-portal-viewer'],
              caData: cluster.caData,
              skipMetricsLookup: true,
            },
          ],
        },
      ],
    },
    runners: {
      gitlabBaseUrl: gitlabUrl,
      clusters: [
        {
          name: 'local',
          role: 'primary',
          authProvider: 'kubeconfig',
          kubeconfigPath: backendKubeconfig,
        },
      ],
      gitlab: { baseUrl: gitlabUrl },
    },
  };
  const config = ConfigReader.fromConfigs([
    ...appConfigs,
    { context: 'security-test', data: overrides },
  ]);

  const rootLogger = logs.logger();
  const { server } = await startTestBackend({
    features: [
      createServiceFactory({
        service: coreServices.rootConfig,
        deps: {},
        factory: () => config,
      }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => rootLogger,
      }),
      createServiceFactory({
        service: coreServices.logger,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) => rootLogger.child({ plugin: plugin.getId() }),
      }),
      authServiceFactory,
      httpAuthServiceFactory,
      httpRouterServiceFactory,
      permissionsServiceFactory,
      permissionsRegistryServiceFactory,
      userInfoServiceFactory,
      databaseServiceFactory,
      schedulerServiceFactory,
      // The plugins of packages/backend/src/index.ts, in the same order.
      appBackend,
      proxyBackend,
      authBackend,
      authBackendModuleGuestProvider,
      devUsersAuthProvider,
      testUsersProvider,
      catalogBackend,
      catalogBackendModuleScaffolderEntityModel,
      catalogBackendModuleLogs,
      permissionBackend,
      permissionPolicy,
      scaffolderBackend,
      scaffolderBackendModuleRunners,
      searchBackend,
      searchBackendModuleCatalog,
      kubernetesBackend,
      runnersBackend,
      restrictedTokens,
      userSettingsBackend,
      signalsBackend,
      eventsBackend,
    ],
  });
  return { server, config };
}
