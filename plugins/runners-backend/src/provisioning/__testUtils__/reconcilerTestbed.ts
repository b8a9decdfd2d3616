import { mockServices } from '@backstage/backend-test-utils';
import { LABELS } from '@runner-fleet/plugin-runners-common';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { GitLabCiProvider } from '../../ci';
import { createTestDatabases } from '../../__testUtils__/databases';
import {
  testRunnersConfig,
  testStore,
  useGitLabEmulator,
} from '../../__testUtils__/stack';
import {
  ClusterClient,
  KubernetesClusterClient,
  ObjectRef,
} from '../ClusterClient';
import { CachedClusterClient } from '../cache/CachedClusterClient';
import { ClusterWatches } from '../cache/ReconcilerCache';
import { Reconciler, ReconcileStep } from '../Reconciler';
import { KubeObject, renderedKinds } from '../render';

/** Counts writes and reads, so tests can prove an unchanged pool causes none. */
export class CountingClient implements ClusterClient {
  writes: string[] = [];
  /** Requests that read: `get <Kind>/<name>` and `list <Kind>`. */
  reads: string[] = [];
  constructor(readonly inner: ClusterClient) {}
  get name() {
    return this.inner.name;
  }
  get role() {
    return this.inner.role;
  }
  async apply(object: KubeObject) {
    this.writes.push(`apply ${object.kind}/${object.metadata.name}`);
    return this.inner.apply(object);
  }
  async mergePatch(
    ref: ObjectRef,
    patch: Record<string, unknown>,
    manager: string,
  ) {
    this.writes.push(`patch ${ref.kind}/${ref.metadata.name}`);
    return this.inner.mergePatch(ref, patch, manager);
  }
  async delete(
    ref: ObjectRef,
    options?: Parameters<ClusterClient['delete']>[1],
  ) {
    this.writes.push(`delete ${ref.kind}/${ref.metadata.name}`);
    return this.inner.delete(ref, options);
  }
  get apis() {
    return this.inner.apis;
  }
  list: ClusterClient['list'] = (kind, labels) => {
    this.reads.push(`list ${kind.kind}`);
    return this.inner.list(kind, labels);
  };
  get: ClusterClient['get'] = ref => {
    this.reads.push(`get ${ref.kind}/${ref.metadata.name}`);
    return this.inner.get(ref);
  };
}

/**
 * A reconciler on the real control plane (as the backend's service account), the GitLab
 * emulator and every test database. Call at the top of a test file: it registers the hooks
 * that start and stop them.
 */
export function useReconcilerTestbed() {
  const cluster = useTestCluster();
  const databases = createTestDatabases();
  const emulator = useGitLabEmulator();
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(stops.splice(0).map(stop => stop()));
  });

  async function setup(
    onStep?: (step: ReconcileStep, poolId: string) => void,
    options: {
      /** Reads through the reconciler's watch cache (as the backend does); default off. */
      cached?: boolean;
      /** List page size of the cache's watches. */
      pageSize?: number;
    } = {},
  ) {
    const config = testRunnersConfig(emulator.url);
    const store = await testStore(databases);
    const client = new CountingClient(
      KubernetesClusterClient.create({
        name: 'local',
        role: 'primary',
        kubeConfig: cluster.kubeConfig('runner-fleet-backend'),
      }),
    );
    const watches = options.cached
      ? new ClusterWatches(
          {
            name: 'local',
            kubeConfig: cluster.kubeConfig('runner-fleet-backend'),
          },
          mockServices.logger.mock(),
          options.pageSize,
        )
      : undefined;
    if (watches) {
      await watches.start();
      stops.push(() => watches.stop());
    }
    const reconcilerClient: ClusterClient = watches
      ? new CachedClusterClient(client, watches)
      : client;
    const ci = GitLabCiProvider.create({
      settings: config.gitlab!,
      logger: mockServices.logger.mock(),
    });
    const make = (step?: typeof onStep) =>
      Reconciler.create({
        store,
        ci,
        clusters: [reconcilerClient],
        config,
        logger: mockServices.logger.mock(),
        onStep: step,
      });
    return {
      store,
      client,
      watches,
      ci,
      config,
      reconciler: make(onStep),
      restart: () => make(),
      /** A reconciler that "crashes" right after `step`, as a killed backend would. */
      crashingAfter: (step: ReconcileStep) =>
        make(s => {
          if (s === step) throw new Error(`crash after ${s}`);
        }),
    };
  }

  /** The pool's objects in the cluster, read as the admin. */
  async function poolObjects(poolId: string) {
    const client = KubernetesClusterClient.create({
      name: 'admin',
      role: 'primary',
      kubeConfig: cluster.kubeConfig('admin'),
    });
    const lists = await Promise.all(
      renderedKinds
        .filter(k => k.scope === 'pool')
        .map(k => client.list(k, { [LABELS.pool]: poolId })),
    );
    return lists.flat();
  }

  /** The pool's runners in the GitLab emulator. */
  async function fleetRunners(poolId: string) {
    return (await emulator.control.runners()).filter(r =>
      (r.description ?? '').includes(poolId),
    );
  }

  return { cluster, databases, emulator, setup, poolObjects, fleetRunners };
}
