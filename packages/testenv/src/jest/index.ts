/**
 * Jest helpers: one control plane per Jest run (`globalSetup`/`globalTeardown`), one namespace
 * per test file ({@link useTestCluster}).
 *
 * @packageDocumentation
 */

export { default as globalSetup } from './globalSetup';
export { default as globalTeardown } from './globalTeardown';
export { useTestCluster, TEST_NAMESPACE_LABEL } from './useTestCluster';
export type { TestCluster, UseTestClusterOptions } from './useTestCluster';
export { readTestClusterConnection, TEST_CLUSTER_ENV } from './connectionEnv';
