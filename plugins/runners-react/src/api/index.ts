export { runnersApiRef } from './RunnersApi';
export type { RunnersApi } from './RunnersApi';
export { RunnersClient } from './RunnersClient';
export type {
  ListRequestsOptions,
  PoolChange,
  PoolResource,
  PoolUpdate,
  PoolValidation,
  ShowbackOptions,
  TeamFilter,
} from './types';
