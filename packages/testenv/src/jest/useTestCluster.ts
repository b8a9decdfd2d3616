import { KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { createNamespace } from '../applyYaml';
import { Identity } from '../credentials';
import { ClusterConnection, kubeConfigFor } from '../kubeconfig';
import { readTestClusterConnection } from './connectionEnv';

/** Label on every namespace {@link useTestCluster} creates. @public */
export const TEST_NAMESPACE_LABEL = 'runner-fleet.io/test-namespace';

/** The cluster of a test file, usable once `beforeAll` has run. @public */
export interface TestCluster {
  /** Server, CA and tokens of the run's control plane. */
  readonly connection: ClusterConnection;
  /** The test file's own fresh namespace, `test-<random>`. */
  readonly namespace: string;
  /** A client configuration for `identity` (default `admin`) whose default namespace is {@link TestCluster.namespace}. */
  kubeConfig(identity?: Identity): KubeConfig;
}

/** Options of {@link useTestCluster}. @public */
export interface UseTestClusterOptions {
  /** Namespace name prefix; default `test`. */
  namespacePrefix?: string;
  /** Extra labels of the namespace (e.g. `runner-fleet.io/team`). */
  namespaceLabels?: Record<string, string>;
}

/**
 * Connects a test file to the run's control plane (see the global setup) and creates a fresh
 * namespace for it in `beforeAll`. Namespaces are not deleted afterwards: without controllers
 * they would stay `Terminating`, and the control plane is discarded at the end of the run.
 *
 * @example
 * ```ts
 * const cluster = useTestCluster();
 * it('creates a VMIRS', async () => {
 *   const kc = cluster.kubeConfig('runner-fleet-backend');
 *   // ... objects go to cluster.namespace
 * });
 * ```
 * @public
 */
export function useTestCluster(
  options: UseTestClusterOptions = {},
): TestCluster {
  let state: { connection: ClusterConnection; namespace: string } | undefined;
  const ready = () => {
    if (!state) {
      throw new Error(
        'useTestCluster(): the cluster is available in beforeAll/it, not while tests are being defined',
      );
    }
    return state;
  };

  beforeAll(async () => {
    const connection = readTestClusterConnection();
    const namespace = `${options.namespacePrefix ?? 'test'}-${randomBytes(
      4,
    ).toString('hex')}`;
    await createNamespace(kubeConfigFor(connection, 'admin'), namespace, {
      [TEST_NAMESPACE_LABEL]: 'true',
      ...options.namespaceLabels,
    });
    state = { connection, namespace };
  }, 30_000);

  return {
    get connection() {
      return ready().connection;
    },
    get namespace() {
      return ready().namespace;
    },
    kubeConfig(identity: Identity = 'admin') {
      const { connection, namespace } = ready();
      return kubeConfigFor(connection, identity, namespace);
    },
  };
}
