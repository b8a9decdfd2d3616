import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { runnersApiRef } from '../api';

/**
 * A pool's health with its VMs, timeline and 24 h history. With `pollMs`, it refreshes on that
 * interval (keeping the last answer while it loads), e.g. while the pool is provisioning.
 *
 * @public
 */
export function usePoolHealth(id: string, options: { pollMs?: number } = {}) {
  const api = useApi(runnersApiRef);
  const state = useAsyncRetry(() => api.getPoolHealth(id), [api, id]);
  useInterval(state.retry, options.pollMs ?? null);
  return state;
}
