import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { runnersApiRef } from '../api';

/**
 * A pool's rollout. With `pollMs`, it refreshes on that interval (keeping the last answer while
 * it loads), e.g. while VMs are being replaced.
 *
 * @public
 */
export function usePoolRollout(id: string, options: { pollMs?: number } = {}) {
  const api = useApi(runnersApiRef);
  const state = useAsyncRetry(() => api.getPoolRollout(id), [api, id]);
  useInterval(state.retry, options.pollMs ?? null);
  return state;
}
