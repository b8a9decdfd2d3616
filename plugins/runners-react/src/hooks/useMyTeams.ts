import { parseEntityRef } from '@backstage/catalog-model';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';

/**
 * The teams of the signed-in user: the names of the `group:default/<team>` entries of the
 * identity's ownership references, sorted.
 *
 * @public
 */
export function useMyTeams() {
  const identityApi = useApi(identityApiRef);
  return useAsync(async () => {
    const identity = await identityApi.getBackstageIdentity();
    const teams = new Set<string>();
    for (const ref of identity.ownershipEntityRefs) {
      try {
        const { kind, namespace, name } = parseEntityRef(ref);
        if (
          kind.toLocaleLowerCase('en-US') === 'group' &&
          namespace === 'default'
        ) {
          teams.add(name);
        }
      } catch {
        // A malformed reference is not a team; skip it.
      }
    }
    return {
      userEntityRef: identity.userEntityRef,
      teams: [...teams].sort(),
    };
  }, [identityApi]);
}
