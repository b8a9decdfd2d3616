/**
 * Pure renderers: the Kubernetes objects of a runner pool on a cluster, from its desired state.
 * No I/O; the same input always gives byte-identical objects.
 *
 * @packageDocumentation
 */
export type {
  ClusterRole,
  GuestFirmware,
  KubeObject,
  PoolScalingMetrics,
  RenderedKind,
  RenderInput,
  VmPoolVersion,
} from './types';
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
export {
  RUNNER_SYSTEM_ID_FILE,
  RUNNER_SYSTEM_ID_PATTERN,
  runnerSystemIdFrom,
  vmiRunnerSystemId,
} from './runnerSystemId';
export type { VmiIdentity } from './runnerSystemId';
