export type { ClusterTarget } from './clusters';
export {
  DEFAULT_GITLAB_REQUESTS_PER_MINUTE,
  poolScalingUrl,
  readRunnersConfig,
} from './readRunnersConfig';
export type {
  AutoscalingDefaults,
  GitLabSettings,
  RunnersConfig,
} from './readRunnersConfig';
export type { RunnersTaskName, TaskSchedules } from './taskSchedules';
export type { UsageConfig } from './usage';
