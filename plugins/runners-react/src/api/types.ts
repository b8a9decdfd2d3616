// The API shapes live in -common, next to the client generated from the OpenAPI spec; they are
// re-exported here so that frontend code keeps importing them from -react.
export type {
  ListRequestsOptions,
  PoolChange,
  PoolResource,
  PoolUpdate,
  PoolValidation,
  ShowbackOptions,
  TeamFilter,
} from '@runner-fleet/plugin-runners-common';
