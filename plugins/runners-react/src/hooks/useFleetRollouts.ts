import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { runnersApiRef } from '../api';

/**
 * Fleet rollouts, newest first. Fails with a `ResponseError` of status 403 for users outside
 * the platform team.
 *
 * @public
 */
export function useFleetRollouts() {
  const api = useApi(runnersApiRef);
  return useAsyncRetry(() => api.listFleetRollouts(), [api]);
}
