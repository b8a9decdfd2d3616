import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { runnersApiRef } from '../api';

/**
 * Pools the signed-in user may read, optionally of one team.
 *
 * @public
 */
export function usePools(team?: string) {
  const api = useApi(runnersApiRef);
  return useAsyncRetry(() => api.listPools({ team }), [api, team]);
}

/**
 * One pool by id.
 *
 * @public
 */
export function usePool(id: string) {
  const api = useApi(runnersApiRef);
  return useAsyncRetry(() => api.getPool(id), [api, id]);
}
