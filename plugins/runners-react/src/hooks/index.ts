export { usePools, usePool } from './usePools';
export { usePoolHealth } from './usePoolHealth';
export { usePoolEvents } from './usePoolEvents';
export { usePoolRollout } from './usePoolRollout';
export { useFleetRollouts } from './useFleetRollouts';
export { useTeamHealth } from './useTeamHealth';
export { useFleetSummary } from './useFleetSummary';
export { useFlavors } from './useFlavors';
export { useQuotas } from './useQuotas';
export { useRequests } from './useRequests';
export { useMyTeams } from './useMyTeams';
export {
  useEntityPools,
  entityPoolScope,
  ownerTeamOf,
  resolvePoolRefs,
} from './useEntityPools';
export type { EntityPoolScope } from './useEntityPools';
export { useShowback, useAdvice, useAdviceSources } from './useCapacity';
