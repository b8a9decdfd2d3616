/**
 * Runner Fleet backend: runner pools on KubeVirt + KEDA, approvals, quotas and fleet health.
 *
 * @packageDocumentation
 */
export { runnersPlugin as default } from './plugin';
export { readRunnersConfig } from './config';
export type {
  AutoscalingDefaults,
  ClusterTarget,
  GitLabSettings,
  RunnersConfig,
  RunnersTaskName,
  TaskSchedules,
  UsageConfig,
} from './config';
export type {
  GuestFirmware,
  NetworkPeer,
  RunnerNetwork,
} from './provisioning/render';
export type { PricingConfig } from './capacity/pricing';
