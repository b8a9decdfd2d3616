import {
  KubeConfig,
  KubernetesObject,
  RbacV1Subject,
} from '@kubernetes/client-node';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyYaml, createNamespace, parseManifests } from './applyYaml';

/** The backend's ServiceAccount in real clusters, as `k8s/rbac/` binds it. */
export const BACKEND_SERVICE_ACCOUNT = {
  namespace: 'runner-fleet',
  name: 'runner-fleet-backend',
};
/** The static-token user standing in for that ServiceAccount in the test environment. */
export const BACKEND_USER = 'runner-fleet-backend';
/** The Backstage Kubernetes plugin's ServiceAccount, as `k8s/rbac/` binds it. */
export const PORTAL_VIEWER_SERVICE_ACCOUNT = {
  namespace: 'runner-fleet',
  name: 'runner-fleet-portal-viewer',
};

/**
 * ServiceAccounts of `k8s/rbac/` and the static-token user that stands in for each here (a
 * static token needs no token controller, which this control plane does not run).
 */
const STAND_INS: Array<{
  serviceAccount: { namespace: string; name: string };
  user: string;
}> = [
  { serviceAccount: BACKEND_SERVICE_ACCOUNT, user: BACKEND_USER },
  {
    serviceAccount: PORTAL_VIEWER_SERVICE_ACCOUNT,
    user: PORTAL_VIEWER_SERVICE_ACCOUNT.name,
  },
];

type Binding = KubernetesObject & {
  subjects?: RbacV1Subject[];
};

function isBinding(object: KubernetesObject): object is Binding {
  return (
    object.apiVersion === 'rbac.authorization.k8s.io/v1' &&
    (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding')
  );
}

/** The stand-in users of the ServiceAccounts `binding` binds. */
function standInsOf(binding: Binding): string[] {
  return STAND_INS.filter(({ serviceAccount }) =>
    (binding.subjects ?? []).some(
      s =>
        s.kind === 'ServiceAccount' &&
        s.name === serviceAccount.name &&
        s.namespace === serviceAccount.namespace,
    ),
  ).map(({ user }) => user);
}

/**
 * The manifests of `dir` (every `*.yaml`, in name order) plus, for each (Cluster)RoleBinding of
 * the backend's or the portal viewer's ServiceAccount, a twin `<name>-testenv-user` binding the
 * same role to the static-token user of the same name. The twins exist only here: the manifests
 * stay fit for real clusters, where no such user should ever hold these rights.
 */
export function backendRbacManifests(dir: string): KubernetesObject[] {
  const objects = readdirSync(dir)
    .filter(f => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .flatMap(f => parseManifests(readFileSync(join(dir, f), 'utf8')));
  const twins: KubernetesObject[] = objects.filter(isBinding).flatMap(binding =>
    standInsOf(binding).map(user => ({
      ...binding,
      metadata: {
        name: `${binding.metadata?.name}-testenv-user`,
        ...(binding.metadata?.namespace
          ? { namespace: binding.metadata.namespace }
          : {}),
        labels: { 'app.kubernetes.io/managed-by': 'runner-fleet-testenv' },
      },
      subjects: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user },
      ],
    })),
  );
  return [...objects, ...twins];
}

/**
 * Applies {@link backendRbacManifests} as `kc` (an admin), creating the namespaces the
 * namespaced objects live in first.
 */
export async function applyBackendRbac(
  kc: KubeConfig,
  dir: string,
): Promise<void> {
  const objects = backendRbacManifests(dir);
  const namespaces = new Set(
    objects
      .filter(o => o.kind !== 'Namespace')
      .map(o => o.metadata?.namespace)
      .filter((ns): ns is string => Boolean(ns)),
  );
  await Promise.all([...namespaces].map(ns => createNamespace(kc, ns)));
  await applyYaml(kc, objects);
}
