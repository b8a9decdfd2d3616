import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { runnersApiRef } from '../api';

/**
 * The whole fleet at a glance. Fails with a `ResponseError` of status 403 for users outside
 * the platform team.
 *
 * @public
 */
export function useFleetSummary() {
  const api = useApi(runnersApiRef);
  return useAsyncRetry(() => api.getFleetSummary(), [api]);
}
