import { mockServices } from '@backstage/backend-test-utils';
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  FleetSimulator,
  startFleetSimulator,
} from '@runner-fleet/fleet-simulator';
import {
  GitLabEmulator,
  seedTokens,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { GitLabCiProvider } from '../../ci';
import { DatabasePoolStore } from '../../database/DatabasePoolStore';
import { DatabaseRolloutStore } from '../../database/DatabaseRolloutStore';
import { createTestDatabases } from '../../__testUtils__/databases';
import {
  changePool,
  eventually,
  insertTestPool,
  newTeam,
  testRunnersConfig,
} from '../../__testUtils__/stack';
import { KubernetesClusterClient } from '../ClusterClient';
import { Reconciler } from '../Reconciler';
import { poolObjectNames, teamNamespace } from '../render';
import { abortRollout } from '../rollout/abortRollout';
import { createGoldenImage, IMAGES_NAMESPACE } from './goldenImage';

/** The project the tests' jobs run in. */
export const PROJECT = 'engineering/payments/payment-gateway';
/** Simulated seconds per real second: a 45 s boot takes ~0.2 s, a 20 min job 6 s. */
const TIME_SCALE = 200;
/** An image the simulator cannot pull: VMs from flavor `m1.broken` never boot. */
export const BAD_IMAGE =
  'registry.example.com/runners/ubuntu-24.04:does-not-exist';

/** A VMI as the tests read it. */
export interface Vmi {
  metadata: {
    name: string;
    uid: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  status?: { phase?: string };
}

/**
 * A pool with rollouts on real parts: the reconciler with the rollout store, the real control
 * plane, the fleet simulator (no KEDA: replicas stay where the product seeds them, as with a
 * pool at its bounds) and the GitLab emulator. Call at the top level of a test file.
 *
 * Linux pools use `m1.large` (and `m1.xlarge`, `m1.broken` to change to); Windows pools use
 * `win.test` on a golden image of their own (and `win.test.large` to change to).
 */
export function useRolloutStack() {
  const cluster = useTestCluster();
  const databases = createTestDatabases();
  let emulator: GitLabEmulator | undefined;
  let simulator: FleetSimulator | undefined;

  afterEach(async () => {
    await simulator?.stop();
    await emulator?.stop();
  });

  async function startStack(options: {
    replicas: number;
    os?: 'linux' | 'windows';
    scaleToZero?: boolean;
    rolloutDeadlineMs?: number;
  }) {
    const windows = options.os === 'windows';
    emulator = await startGitLabEmulator();
    const logger = mockServices.logger.mock();
    const knex = await databases.init('SQLITE_3');
    const database = mockServices.database({
      knex,
      migrations: { skip: false },
    });
    const store = await DatabasePoolStore.create({ database });
    const rollouts = await DatabaseRolloutStore.create({ database });
    const config = testRunnersConfig(emulator.url);
    const team = newTeam();
    const namespace = teamNamespace(team);
    const flavors = config.catalog.flavors;
    const large = flavors.find(f => f.name === 'm1.large')!;
    flavors.push({ ...large, name: 'm1.broken', image: BAD_IMAGE });
    if (windows) {
      const image = await createGoldenImage(cluster.kubeConfig('admin'), team);
      const win = flavors.find(f => f.name === 'win.xlarge')!;
      flavors.push({ ...win, name: 'win.test', image });
      flavors.push({
        ...win,
        name: 'win.test.large',
        image,
        cpu: win.cpu * 2,
        memoryGiB: win.memoryGiB * 2,
        jobSlots: win.jobSlots + 1,
      });
    }
    const makeReconciler = () =>
      Reconciler.create({
        store,
        ci: GitLabCiProvider.create({ settings: config.gitlab!, logger }),
        config,
        logger,
        rollouts,
        rolloutDeadlineMs: options.rolloutDeadlineMs ?? 60_000,
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
      seed: 5,
      failureRate: 0,
      jobFailureRate: 0,
      unpullableImages: [BAD_IMAGE],
      roles: { keda: false },
      namespaces: windows ? [namespace, IMAGES_NAMESPACE] : [namespace],
      logger: line => simLog.push(line),
    });
    const pool = await insertTestPool(store, config, {
      team,
      flavor: windows ? 'win.test' : 'm1.large',
      autoscaling: {
        minReplicas: options.replicas,
        maxReplicas: Math.max(options.replicas, 1),
        scaleToZero: options.scaleToZero ?? false,
      },
      tags: [windows ? 'windows' : 'docker'],
    });
    const api = cluster.kubeConfig('admin').makeApiClient(CustomObjectsApi);
    const list = async <T>(group: string, version: string, plural: string) =>
      (
        (await api.listNamespacedCustomObject({
          group,
          version,
          plural,
          namespace,
        })) as { items: T[] }
      ).items;
    const listVmis = () =>
      list<Vmi>('kubevirt.io', 'v1', 'virtualmachineinstances');
    let reconciler = makeReconciler();
    /** What KEDA would do through `/scale` (there is no KEDA in these tests). */
    const scaleTo = (replicas: number) =>
      api.patchNamespacedCustomObjectScale(
        {
          ...(windows
            ? {
                group: 'pool.kubevirt.io',
                version: 'v1beta1',
                plural: 'virtualmachinepools',
              }
            : {
                group: 'kubevirt.io',
                version: 'v1',
                plural: 'virtualmachineinstancereplicasets',
              }),
          namespace,
          name: poolObjectNames(pool.name).workload,
          body: { spec: { replicas } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    const stack = {
      database,
      store,
      rollouts,
      config,
      pool,
      listVmis,
      /** The pool's DataVolumes (Windows: one clone of the golden image per VM). */
      listDataVolumes: () =>
        list<{ metadata: { name: string; uid: string } }>(
          'cdi.kubevirt.io',
          'v1beta1',
          'datavolumes',
        ),
      scaleTo,
      simLog,
      /** A new reconciler, as after a backend restart: nothing in memory survives. */
      restart: () => {
        reconciler = makeReconciler();
      },
      pass: () => reconciler.reconcile(pool.id),
      rollout: () => rollouts.get(pool.id),
      abort: () =>
        abortRollout({ store, rollouts }, pool.id, 'user:default/test'),
      managers: async () => {
        const stored = (await store.getPool(pool.id))!;
        return (
          (await emulator!.control.runners()).find(
            r => r.id === stored.gitlabRunnerId,
          )?.managers ?? []
        );
      },
      changeFlavor: async (name: string) => {
        const current = (await store.getPool(pool.id))!;
        const flavor = config.catalog.flavors.find(f => f.name === name)!;
        await changePool(store, pool.id, {
          spec: { ...current.spec, flavor: name },
          flavor,
          bumpGeneration: true,
        });
      },
      /** Runs passes until `done` says so, as the worker would on requeue. */
      until: async <T>(
        what: string,
        check: () => Promise<T>,
        done: (value: T) => boolean,
        timeoutMs = 60_000,
        onEach?: () => Promise<void>,
      ) =>
        eventually(
          what,
          async () => {
            await reconciler.reconcile(pool.id).catch(() => undefined);
            await onEach?.();
            return check();
          },
          done,
          timeoutMs,
        ).catch(error => {
          throw new Error(
            `${error.message}\nsimulator:\n${simLog.slice(-25).join('\n')}`,
          );
        }),
    };
    if (options.replicas > 0) {
      await stack.until(
        `${options.replicas} registered runner managers`,
        async () => (await stack.managers()).length,
        n => n >= options.replicas,
      );
    } else {
      await stack.until('the pool ready', stack.rollout, r => !!r);
    }
    return stack;
  }

  return {
    startStack,
    emulator: () => emulator!,
    simulator: () => simulator!,
  };
}
