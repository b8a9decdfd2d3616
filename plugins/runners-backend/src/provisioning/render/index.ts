/**
 * Pure renderers: the Kubernetes objects of a runner pool on a cluster, from its desired state.
 * No I/O; the same input always gives byte-identical objects.
 *
 * @packageDocumentation
 */
export type {
  ClusterRole,
  GoldenImageSource,
  GuestFirmware,
  KubeObject,
  NetworkPeer,
  PoolScalingMetrics,
  RenderedKind,
  RenderInput,
  RunnerNetwork,
  VmPoolVersion,
} from './types';
export {
  DEFAULT_CLUSTER_CIDRS,
  DEFAULT_RUNNER_NETWORK,
  RUNNER_NETWORK_POLICY,
} from './networkPolicy';
export { SCALING_VALUE_LOCATIONS } from './types';
export { burstSupported, renderPool, renderTeam } from './renderPool';
export { objectKey, renderedKinds, renderedKindOf, servedKind } from './kinds';
export {
  DEFAULT_NAMESPACE_PREFIX,
  JOB_DRAIN_SECONDS,
  MAX_JOB_SECONDS,
  drainTimings,
  TEAM_QUOTA_NAME,
  poolObjectNames,
  teamNamespace,
} from './names';
export { canonicalJson, shortHash } from './labels';
export { VM_OVERHEAD, quotaRequests } from './team';
export { RUNNER_METRICS_ADDRESS, secretText } from './secrets';
export { goldenImageRef } from './windowsWorkload';
export { CLONE_GOLDEN_IMAGES_ROLE, cloneRoleBindingName } from './cloneAccess';
export {
  RUNNER_SYSTEM_ID_FILE,
  RUNNER_SYSTEM_ID_PATTERN,
  runnerSystemIdFrom,
  vmiRunnerSystemId,
} from './runnerSystemId';
export type { VmiIdentity } from './runnerSystemId';
