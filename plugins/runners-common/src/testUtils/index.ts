/**
 * Test data for the runners plugins: a flavor catalog and pool specs. Not for runtime code.
 *
 * @packageDocumentation
 */

// Types through the package's main entry point, so the API report of this entry point links
// to them instead of inlining copies.
import {
  DEFAULT_FLAVOR_CATALOG,
  type FlavorCatalog,
  type PoolSpec,
} from '@runner-fleet/plugin-runners-common';

/**
 * The standard catalog from the design (m1.large, m1.xlarge, m1.xxlarge, win.xlarge) with
 * custom shapes up to 32 vCPU / 128 GiB, approval above 16 vCPU / 32 GiB: the backend's default,
 * so tests see what users get. For tests and examples.
 */
export const EXAMPLE_FLAVOR_CATALOG: FlavorCatalog = DEFAULT_FLAVOR_CATALOG;

/** A valid Linux pool spec for the payments team; override what a test is about. */
export function examplePoolSpec(overrides: Partial<PoolSpec> = {}): PoolSpec {
  return {
    team: 'payments',
    name: 'builds',
    flavor: 'm1.large',
    autoscaling: {
      minReplicas: 1,
      maxReplicas: 5,
      targetUtilization: 0.3,
      scaleToZero: false,
      burst: false,
    },
    gitlab: {
      scope: { type: 'group', path: 'engineering/payments' },
      tags: ['linux', 'docker'],
      runUntagged: false,
    },
    ...overrides,
  };
}
