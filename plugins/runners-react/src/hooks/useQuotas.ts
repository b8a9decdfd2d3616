import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { runnersApiRef } from '../api';

/**
 * Quota and usage of the signed-in user's teams, optionally of one team.
 *
 * @public
 */
export function useQuotas(team?: string) {
  const api = useApi(runnersApiRef);
  return useAsyncRetry(() => api.listQuotas({ team }), [api, team]);
}
