import { ClusterConnection, readClusterConnection } from '../kubeconfig';

/**
 * Environment variable with the path of the cluster connection JSON file the Jest global setup
 * writes (or, when set before Jest starts, the `cluster.json` of a running `testenv` CLI, which
 * the global setup then uses instead of starting a control plane).
 *
 * @public
 */
export const TEST_CLUSTER_ENV = 'RUNNER_FLEET_TESTENV_CLUSTER';

const OPT_IN = `add to the package's package.json:
  "jest": {
    "globalSetup": "@runner-fleet/testenv/jest/globalSetup",
    "globalTeardown": "@runner-fleet/testenv/jest/globalTeardown"
  }
and "@runner-fleet/testenv": "workspace:^" to its devDependencies`;

/**
 * The connection to the control plane of this Jest run. Throws with instructions when the
 * package has not opted into the global setup.
 *
 * @public
 */
export function readTestClusterConnection(): ClusterConnection {
  const file = process.env[TEST_CLUSTER_ENV];
  if (!file) {
    throw new Error(
      `${TEST_CLUSTER_ENV} is not set: the test needs the Kubernetes test cluster; ${OPT_IN}`,
    );
  }
  return readClusterConnection(file);
}
