import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { runnersApiRef, ShowbackOptions } from '../api';

/**
 * What the caller's teams used and cost over a period (every team for the platform team).
 *
 * @public
 */
export function useShowback(options: ShowbackOptions) {
  const api = useApi(runnersApiRef);
  const { from, to, team } = options;
  return useAsyncRetry(
    () => api.getShowback({ from, to, team }),
    [api, from, to, team],
  );
}

/**
 * Which data the advice can draw on (whether a usage source is configured).
 *
 * @public
 */
export function useAdviceSources() {
  const api = useApi(runnersApiRef);
  return useAsync(() => api.getAdviceSources(), [api]);
}

/**
 * Right-sizing advice for the pools the caller may read, optionally of one team.
 *
 * @public
 */
export function useAdvice(team?: string) {
  const api = useApi(runnersApiRef);
  return useAsyncRetry(() => api.listAdvice({ team }), [api, team]);
}
