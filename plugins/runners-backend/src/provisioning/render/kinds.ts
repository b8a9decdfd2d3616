import { KubeObject, RenderedKind, VmPoolVersion } from './types';

function kind(
  apiVersion: string,
  kindName: string,
  plural: string,
  namespaced: boolean,
  scope: RenderedKind['scope'],
): RenderedKind {
  const slash = apiVersion.lastIndexOf('/');
  return {
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    version: apiVersion.slice(slash + 1),
    apiVersion,
    kind: kindName,
    plural,
    namespaced,
    scope,
  };
}

/**
 * Every kind the renderers produce, in apply order. The reconciler derives its RBAC rules, its
 * watches and its prune list from this; a kind missing here would never be pruned.
 *
 * @public
 */
export const renderedKinds: readonly RenderedKind[] = Object.freeze([
  kind('v1', 'Namespace', 'namespaces', false, 'team'),
  kind('v1', 'ResourceQuota', 'resourcequotas', true, 'team'),
  kind(
    'networking.k8s.io/v1',
    'NetworkPolicy',
    'networkpolicies',
    true,
    'team',
  ),
  kind(
    'rbac.authorization.k8s.io/v1',
    'RoleBinding',
    'rolebindings',
    true,
    'team',
  ),
  kind('v1', 'Secret', 'secrets', true, 'pool'),
  kind(
    'keda.sh/v1alpha1',
    'TriggerAuthentication',
    'triggerauthentications',
    true,
    'pool',
  ),
  kind(
    'kubevirt.io/v1',
    'VirtualMachineInstanceReplicaSet',
    'virtualmachineinstancereplicasets',
    true,
    'pool',
  ),
  kind(
    'pool.kubevirt.io/v1beta1',
    'VirtualMachinePool',
    'virtualmachinepools',
    true,
    'pool',
  ),
  kind('keda.sh/v1alpha1', 'ScaledObject', 'scaledobjects', true, 'pool'),
]);

/**
 * A rendered kind as a cluster serves it: VirtualMachinePool in the cluster's version (see
 * {@link VmPoolVersion}), every other kind as rendered.
 */
export function servedKind(
  kindRef: RenderedKind,
  vmPoolVersion: VmPoolVersion = 'v1beta1',
): RenderedKind {
  if (kindRef.kind !== 'VirtualMachinePool') return kindRef;
  return kind(
    `${kindRef.group}/${vmPoolVersion}`,
    kindRef.kind,
    kindRef.plural,
    kindRef.namespaced,
    kindRef.scope,
  );
}

/** The rendered kind of an object's apiVersion and kind; throws for a kind we never render. */
export function renderedKindOf(apiVersion: string, kindName: string) {
  const found = renderedKinds.find(
    k => k.apiVersion === apiVersion && k.kind === kindName,
  );
  if (!found) {
    throw new Error(`${apiVersion} ${kindName} is not a rendered kind`);
  }
  return found;
}

/**
 * A stable identity for an object, independent of its API version:
 * `<Kind>[.<group>]/[<namespace>/]<name>`, e.g. `Secret/runners-payments/rf-builds-token`.
 *
 * @public
 */
export function objectKey(
  object: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>,
): string {
  const slash = object.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : object.apiVersion.slice(0, slash);
  const kindRef = group ? `${object.kind}.${group}` : object.kind;
  const { namespace, name } = object.metadata;
  return namespace ? `${kindRef}/${namespace}/${name}` : `${kindRef}/${name}`;
}
