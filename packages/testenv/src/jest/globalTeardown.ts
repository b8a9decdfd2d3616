import { rmSync } from 'node:fs';
import { TEST_CLUSTER_ENV } from './connectionEnv';
import { sharedState } from './sharedState';

/**
 * Jest `globalTeardown`: stops the control plane started by the global setup once the last
 * package of the run is done with it.
 *
 * @public
 */
export default async function globalTeardown(): Promise<void> {
  const shared = sharedState();
  shared.users -= 1;
  if (shared.users > 0) return;
  const plane = shared.plane;
  const dir = shared.connectionDir;
  shared.plane = undefined;
  shared.connectionDir = undefined;
  shared.starting = undefined;
  if (plane) {
    await plane.stop();
    delete process.env[TEST_CLUSTER_ENV];
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}
