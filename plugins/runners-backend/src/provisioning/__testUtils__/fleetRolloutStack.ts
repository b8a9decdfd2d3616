import { mockServices } from '@backstage/backend-test-utils';
import { CustomObjectsApi } from '@kubernetes/client-node';
import {
  FleetSimulator,
  startFleetSimulator,
} from '@runner-fleet/fleet-simulator';
import {
  GitLabEmulator,
  seedTokens,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { Flavor, LABELS } from '@runner-fleet/plugin-runners-common';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { GitLabCiProvider } from '../../ci';
import { DatabaseFleetRolloutStore } from '../../database/DatabaseFleetRolloutStore';
import { DatabasePoolStore } from '../../database/DatabasePoolStore';
import { DatabaseRolloutStore } from '../../database/DatabaseRolloutStore';
import { PoolRecord } from '../../database/PoolStore';
import { FleetRollouts } from '../../fleetRollout/FleetRollouts';
import { createTestDatabases } from '../../__testUtils__/databases';
import {
  eventually,
  insertTestPool,
  newTeam,
  testRunnersConfig,
} from '../../__testUtils__/stack';
import { KubernetesClusterClient } from '../ClusterClient';
import { Reconciler } from '../Reconciler';
import { teamNamespace } from '../render';
import { Vmi } from './rolloutStack';

/** Simulated seconds per real second, as in the per-pool rollout tests. */
const TIME_SCALE = 200;

/** A VMI with the parts the fleet tests read: its boot image. */
export interface FleetVmi extends Vmi {
  spec?: { volumes?: Array<{ containerDisk?: { image?: string } }> };
}

/** The runner image a Linux VMI boots. */
export const imageOf = (vmi: FleetVmi) =>
  vmi.spec?.volumes?.find(v => v.containerDisk)?.containerDisk?.image;

/**
 * Several Linux pools of flavor `m1.large` in one team on real parts (the reconciler, a real
 * kube-apiserver, the fleet simulator without KEDA, the GitLab emulator), and the fleet rollout
 * service over the same stores, with the VM counts read from the API server as the fleet cache
 * would give them. `step()` is what the worker and the scheduled task do in production: a
 * reconcile pass of every pool, then one fleet rollout step. Call at the top level of a test file.
 */
export function useFleetRolloutStack() {
  const cluster = useTestCluster();
  const databases = createTestDatabases();
  let emulator: GitLabEmulator | undefined;
  let simulator: FleetSimulator | undefined;

  afterEach(async () => {
    await simulator?.stop();
    await emulator?.stop();
  });

  /** Starts the stack with one pool per entry of `sizes` (its fixed replicas). */
  async function startFleetStack(sizes: number[]) {
    emulator = await startGitLabEmulator();
    const logger = mockServices.logger.mock();
    const knex = await databases.init('SQLITE_3');
    const database = mockServices.database({
      knex,
      migrations: { skip: false },
    });
    const store = await DatabasePoolStore.create({ database });
    const rollouts = await DatabaseRolloutStore.create({ database });
    const fleetRolloutStore = await DatabaseFleetRolloutStore.create({
      database,
    });
    const config = testRunnersConfig(emulator.url);
    const team = newTeam();
    const namespace = teamNamespace(team);
    const reconciler = Reconciler.create({
      store,
      ci: GitLabCiProvider.create({ settings: config.gitlab!, logger }),
      config,
      logger,
      rollouts,
      rolloutDeadlineMs: 60_000,
      rolloutPollMs: 100,
      clusters: [
        KubernetesClusterClient.create({
          name: 'local',
          role: 'primary',
          kubeConfig: cluster.kubeConfig('runner-fleet-backend'),
        }),
      ],
    });
    const simLog: string[] = [];
    simulator = await startFleetSimulator({
      kubeConfig: cluster.kubeConfig('fleet-simulator'),
      gitlab: { url: emulator.url, adminToken: seedTokens.admin },
      timeScale: TIME_SCALE,
      seed: 7,
      failureRate: 0,
      jobFailureRate: 0,
      roles: { keda: false },
      namespaces: [namespace],
      logger: line => simLog.push(line),
    });
    const pools: PoolRecord[] = [];
    for (const [i, replicas] of sizes.entries()) {
      pools.push(
        await insertTestPool(store, config, {
          team,
          name: `pool-${i}`,
          flavor: 'm1.large',
          autoscaling: {
            minReplicas: replicas,
            maxReplicas: replicas,
            scaleToZero: false,
          },
          tags: ['docker'],
        }),
      );
    }
    const api = cluster.kubeConfig('admin').makeApiClient(CustomObjectsApi);
    const listVmis = async () =>
      (
        (await api.listNamespacedCustomObject({
          group: 'kubevirt.io',
          version: 'v1',
          plural: 'virtualmachineinstances',
          namespace,
        })) as { items: FleetVmi[] }
      ).items.filter(v => !v.metadata.deletionTimestamp);
    /** VMIs per pool as last read: what the fleet cache gives the fleet rollouts. */
    let vmCounts: Record<string, number> = {};
    const vmisByPool = async () => {
      const byPool: Record<string, FleetVmi[]> = {};
      for (const vmi of await listVmis()) {
        const id = vmi.metadata.labels[LABELS.pool];
        (byPool[id] ??= []).push(vmi);
      }
      vmCounts = Object.fromEntries(
        Object.entries(byPool).map(([id, v]) => [id, v.length]),
      );
      return byPool;
    };
    const service = FleetRollouts.create({
      store,
      rollouts,
      fleetRollouts: fleetRolloutStore,
      catalog: config.catalog,
      vmCount: id => vmCounts[id],
      logger,
    });
    const passes = async () => {
      for (const pool of pools) {
        await reconciler.reconcile(pool.id).catch(() => undefined);
      }
      await vmisByPool();
    };
    const managers = async (pool: PoolRecord) => {
      const stored = (await store.getPool(pool.id))!;
      return (
        (await emulator!.control.runners()).find(
          r => r.id === stored.gitlabRunnerId,
        )?.managers ?? []
      );
    };

    const stack = {
      store,
      rollouts,
      config,
      pools,
      service,
      vmisByPool,
      /** The catalog's `m1.large` now takes `image` (what a platform team's config change does). */
      changeCatalogImage: (image: string): Flavor => {
        const flavors = config.catalog.flavors;
        const index = flavors.findIndex(f => f.name === 'm1.large');
        flavors[index] = { ...flavors[index], image };
        return flavors[index];
      },
      /** Reconcile passes of every pool, without a fleet rollout step. */
      passes,
      /**
       * Production's loop until `done` accepts the fleet rollout `id` as read after the passes:
       * passes, check, then (when not done) one scheduled fleet rollout step. `onEach` sees
       * every state read.
       */
      drive: async (
        what: string,
        id: string,
        done: (view: Awaited<ReturnType<FleetRollouts['get']>>) => boolean,
        onEach?: (
          view: Awaited<ReturnType<FleetRollouts['get']>>,
        ) => void | Promise<void>,
        timeoutMs = 120_000,
      ) =>
        eventually(
          what,
          async () => {
            await passes();
            const view = await service.get(id);
            await onEach?.(view);
            if (done(view)) return view;
            await service.advanceAll();
            return undefined;
          },
          view => view !== undefined,
          timeoutMs,
        ).then(
          view => view!,
          error => {
            throw new Error(
              `${error.message}\nsimulator:\n${simLog.slice(-25).join('\n')}`,
            );
          },
        ),
    };
    for (const [i, pool] of pools.entries()) {
      await eventually(
        `pool-${i}: ${sizes[i]} registered runner managers and ready`,
        async () => {
          await passes();
          return {
            managers: (await managers(pool)).length,
            state: (await store.getPool(pool.id))!.state,
          };
        },
        s => s.managers >= sizes[i] && s.state === 'ready',
        60_000,
      );
    }
    return stack;
  }

  return { startFleetStack, simulator: () => simulator! };
}
