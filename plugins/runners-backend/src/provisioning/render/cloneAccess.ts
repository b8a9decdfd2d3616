import { teamLabels, withTemplateHash } from './labels';
import { KubeObject } from './types';

/**
 * The ClusterRole the install kit ships (`k8s/rbac/runner-fleet-clone-golden-images.clusterrole.yaml`):
 * `create` on `cdi.kubevirt.io` `datavolumes/source`, the virtual subresource CDI checks for a
 * clone from another namespace.
 *
 * @public
 */
export const CLONE_GOLDEN_IMAGES_ROLE = 'runner-fleet-clone-golden-images';

/** The ServiceAccount KubeVirt authorises a VM's clones as, without a serviceAccount volume. */
const VM_SERVICE_ACCOUNT = 'default';

/**
 * Name of the RoleBinding in a golden-image namespace that lets one team namespace clone from it.
 *
 * @public
 */
export function cloneRoleBindingName(teamNamespace: string): string {
  return `runner-fleet-clone-to-${teamNamespace}`;
}

/**
 * The RoleBinding that lets a team namespace's Windows VMs clone the golden images of
 * `goldenNamespace`. KubeVirt's VM controller authorises each `dataVolumeTemplates` clone with
 * CDI's `AuthorizeSA` for the VM namespace's ServiceAccount `default` (no serviceAccount volume
 * on our VMs): a SubjectAccessReview of `create` on `datavolumes/source` in the source namespace
 * for `system:serviceaccount:<team namespace>:default`. Exactly that subject is bound, nothing
 * broader. Team-scoped (no pool label): the team's Windows pools share it, and it goes with the
 * last of them (`releaseCloneAccess`).
 */
export function renderCloneRoleBinding(
  team: string,
  teamNamespace: string,
  goldenNamespace: string,
): KubeObject {
  return withTemplateHash({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: cloneRoleBindingName(teamNamespace),
      namespace: goldenNamespace,
      labels: teamLabels(team),
    },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: CLONE_GOLDEN_IMAGES_ROLE,
    },
    subjects: [
      {
        kind: 'ServiceAccount',
        name: VM_SERVICE_ACCOUNT,
        namespace: teamNamespace,
      },
    ],
  });
}
