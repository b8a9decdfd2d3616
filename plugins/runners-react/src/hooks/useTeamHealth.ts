import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { runnersApiRef } from '../api';

/**
 * Health of the pools the signed-in user may read, grouped by team; optionally of one team.
 *
 * @public
 */
export function useTeamHealth(team?: string) {
  const api = useApi(runnersApiRef);
  return useAsyncRetry(() => api.listTeamHealth({ team }), [api, team]);
}
