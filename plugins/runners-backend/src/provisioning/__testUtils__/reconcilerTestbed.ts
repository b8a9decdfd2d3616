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
import { Reconciler, ReconcileStep } from '../Reconciler';
import { KubeObject, renderedKinds } from '../render';

/** Counts writes, so tests can prove an unchanged pool causes none. */
export class CountingClient implements ClusterClient {
  writes: string[] = [];
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
  list: ClusterClient['list'] = (kind, labels) => this.inner.list(kind, labels);
  get: ClusterClient['get'] = ref => this.inner.get(ref);
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

  async function setup(onStep?: (step: ReconcileStep, poolId: string) => void) {
    const config = testRunnersConfig(emulator.url);
    const store = await testStore(databases);
    const client = new CountingClient(
      KubernetesClusterClient.create({
        name: 'local',
        role: 'primary',
        kubeConfig: cluster.kubeConfig('runner-fleet-backend'),
      }),
    );
    const ci = GitLabCiProvider.create({
      settings: config.gitlab!,
      logger: mockServices.logger.mock(),
    });
    const make = (step?: typeof onStep) =>
      Reconciler.create({
        store,
        ci,
        clusters: [client],
        config,
        logger: mockServices.logger.mock(),
        onStep: step,
      });
    return {
      store,
      client,
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
