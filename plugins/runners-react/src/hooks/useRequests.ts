import { useApi } from '@backstage/core-plugin-api';
import { ApprovalStatus } from '@runner-fleet/plugin-runners-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { runnersApiRef } from '../api';

/**
 * Approval requests the signed-in user may see (approvers see all), newest first.
 *
 * @public
 */
export function useRequests(status?: ApprovalStatus) {
  const api = useApi(runnersApiRef);
  return useAsyncRetry(() => api.listRequests({ status }), [api, status]);
}
