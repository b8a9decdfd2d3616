import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { runnersApiRef } from '../api';

/**
 * A pool's state history, oldest first.
 *
 * @public
 */
export function usePoolEvents(id: string) {
  const api = useApi(runnersApiRef);
  return useAsyncRetry(() => api.listPoolEvents(id), [api, id]);
}
