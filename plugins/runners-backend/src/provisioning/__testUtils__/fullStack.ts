import { mockServices } from '@backstage/backend-test-utils';
import {
  startFleetSimulator,
  FleetSimulator,
} from '@runner-fleet/fleet-simulator';
import {
  GitLabEmulator,
  seedTokens,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { GitLabCiProvider } from '../../ci';
import { CiPoller } from '../../fleet/CiPoller';
import { FleetCache } from '../../fleet/FleetCache';
import { FleetService } from '../../fleet/FleetService';
import { createTestDatabases } from '../../__testUtils__/databases';
import {
  newTeam,
  testHistoryStore,
  testRunnersConfig,
  testStore,
} from '../../__testUtils__/stack';
import { KubernetesClusterClient } from '../ClusterClient';
import { Reconciler } from '../Reconciler';
import { teamNamespace } from '../render';

/**
 * The whole provisioning path for a test file: call at its top level; `startStack()` in each
 * test starts a fresh stack, stopped after the test.
 */
export function useFullStack() {
  const cluster = useTestCluster();
  const databases = createTestDatabases();
  let emulator: GitLabEmulator | undefined;
  let simulator: FleetSimulator | undefined;
  let metricsServer: Server | undefined;
  let cache: FleetCache | undefined;
  const SCALING_TOKEN = 'full-stack-scaling-token';

  afterEach(async () => {
    await simulator?.stop();
    await cache?.stop();
    await new Promise(resolve =>
      metricsServer ? metricsServer.close(resolve) : resolve(undefined),
    );
    await emulator?.stop();
  });

  /**
   * The stack for one test: the GitLab emulator, the product's store, reconciler, fleet cache and
   * FleetService, the product's scaling endpoint (served from FleetService with bearer auth), and
   * the fleet simulator scoped to a fresh team's namespace (plus the golden-image namespace).
   */
  async function startStack(options: { failureRate?: number } = {}) {
    emulator = await startGitLabEmulator();
    const logger = mockServices.logger.mock();
    const store = await testStore(databases);

    // The product's scaling endpoint, served from the product's FleetService with bearer auth.
    const served: { fleet?: FleetService } = {};
    metricsServer = createServer(async (req, res) => {
      const id = /\/api\/runners\/scaling\/pools\/([^/?]+)/.exec(
        req.url ?? '',
      )?.[1];
      if (req.headers.authorization !== `Bearer ${SCALING_TOKEN}`) {
        res.writeHead(401).end();
        return;
      }
      const pool = id && (await store.getPool(id));
      if (!pool || !served.fleet) {
        res.writeHead(404).end();
        return;
      }
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify(served.fleet.scaling(pool)));
    });
    await new Promise<void>(resolve =>
      metricsServer!.listen(0, '127.0.0.1', resolve),
    );
    const metricsUrl = `http://127.0.0.1:${
      (metricsServer.address() as AddressInfo).port
    }`;

    const config = testRunnersConfig(emulator.url, {
      scalingMetrics: { token: SCALING_TOKEN, baseUrl: metricsUrl },
      autoscaling: {
        pollingIntervalSeconds: 15,
        scaleDownStabilizationSeconds: 300,
        cooldownSeconds: 300,
      },
    });
    const kubeConfig = cluster.kubeConfig('runner-fleet-backend');
    const ci = GitLabCiProvider.create({ settings: config.gitlab!, logger });
    const reconciler = Reconciler.create({
      vmStatus: id =>
        served.fleet?.primaryVmStatus(id) ?? { vmis: [], dataVolumes: [] },
      store,
      ci,
      config,
      logger,
      clusters: [
        KubernetesClusterClient.create({
          name: 'local',
          role: 'primary',
          kubeConfig,
        }),
      ],
    });
    cache = FleetCache.create({
      clusters: [{ name: 'local', kubeConfig }],
      logger,
    });
    await cache.start();
    const fleet = FleetService.create({
      store,
      cache,
      poller: CiPoller.create({ ci, logger }),
      history: await testHistoryStore(databases),
      clusters: { primary: 'local' },
      logger,
    });
    served.fleet = fleet;

    const team = newTeam();
    const simLog: string[] = [];
    simulator = await startFleetSimulator({
      kubeConfig: cluster.kubeConfig('fleet-simulator'),
      gitlab: { url: emulator.url, adminToken: seedTokens.admin },
      timeScale: 200,
      seed: 7,
      failureRate: options.failureRate ?? 0,
      jobFailureRate: 0,
      namespaces: [teamNamespace(team), 'runner-fleet-images'],
      logger: line => simLog.push(line),
    });

    return { store, config, reconciler, fleet, team, simLog };
  }

  return { cluster, startStack, emulator: () => emulator! };
}
