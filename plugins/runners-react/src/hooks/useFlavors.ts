import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { runnersApiRef } from '../api';

/**
 * The standard flavors and the bounds for custom flavors.
 *
 * @public
 */
export function useFlavors() {
  const api = useApi(runnersApiRef);
  return useAsyncRetry(() => api.getFlavors(), [api]);
}
