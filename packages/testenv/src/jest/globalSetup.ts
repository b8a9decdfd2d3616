import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane } from '../startControlPlane';
import { ClusterConnection } from '../kubeconfig';
import { TEST_CLUSTER_ENV } from './connectionEnv';
import { sharedState } from './sharedState';

/**
 * Jest `globalSetup`: starts one control plane for the whole Jest run and publishes its
 * connection file in `RUNNER_FLEET_TESTENV_CLUSTER` (test workers inherit it). Jest runs a
 * global setup module once per distinct path, so all opted-in packages of one
 * `backstage-cli repo test` run share this control plane; should it still be called more than
 * once in a process, the control plane is shared and the last `globalTeardown` stops it.
 *
 * When `RUNNER_FLEET_TESTENV_CLUSTER` is already set (e.g. to the `cluster.json` of a running
 * `testenv` CLI), that cluster is used and nothing is started.
 *
 * @public
 */
export default async function globalSetup(): Promise<void> {
  const shared = sharedState();
  shared.users += 1;
  if (shared.starting) {
    await shared.starting;
    return;
  }
  const preset = process.env[TEST_CLUSTER_ENV];
  if (preset) {
    shared.starting = Promise.resolve();
    return;
  }
  shared.starting = (async () => {
    const plane = await startControlPlane();
    shared.plane = plane;
    const dir = mkdtempSync(join(tmpdir(), 'runner-fleet-testenv-jest-'));
    shared.connectionDir = dir;
    const file = join(dir, 'cluster.json');
    const connection: ClusterConnection = {
      server: plane.server,
      caData: plane.caData,
      tokens: plane.tokens,
    };
    writeFileSync(file, JSON.stringify(connection), { mode: 0o600 });
    process.env[TEST_CLUSTER_ENV] = file;
  })();
  await shared.starting;
}
