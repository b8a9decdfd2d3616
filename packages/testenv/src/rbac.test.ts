import {
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
} from '@kubernetes/client-node';
import { applyYaml } from './applyYaml';
import { useTestCluster } from './jest';
import { vmirs } from './__testUtils__/fixtures';
import { mergePatch, RESOURCES, rejection } from './__testUtils__/objects';

const ALL_VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
] as const;
const WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const READ = ['get', 'list', 'watch'];
const TEAM = 'team'; // the test file's namespace, standing in for runners-<team>
const CLUSTER = 'cluster scope';

/**
 * What the backend may do, per resource: every verb listed is allowed, every other verb of
 * {@link ALL_VERBS} denied. This is the policy of k8s/README.md; widening k8s/rbac without
 * changing this table fails the test.
 */
const POLICY: Array<[resource: string, namespace: string, allowed: string[]]> =
  [
    ['namespaces', CLUSTER, ['get', 'list', 'watch', 'create', 'patch']],
    [
      'resourcequotas',
      TEAM,
      ['get', 'list', 'watch', 'create', 'patch', 'delete'],
    ],
    [
      'networking.k8s.io/networkpolicies',
      TEAM,
      ['get', 'list', 'watch', 'create', 'patch', 'delete'],
    ],
    // list/watch: the reconciler's watch cache (label-selected, keeps no values; k8s/README.md).
    ['secrets', TEAM, ['get', 'list', 'watch', 'create', 'patch', 'delete']],
    [
      'secrets',
      'kube-system',
      ['get', 'list', 'watch', 'create', 'patch', 'delete'],
    ],
    ['configmaps', TEAM, []],
    ['pods', TEAM, []],
    ['serviceaccounts', TEAM, []],
    ['kubevirt.io/virtualmachineinstancereplicasets', TEAM, WRITE],
    ['kubevirt.io/virtualmachineinstancereplicasets/scale', TEAM, ['get']],
    ['kubevirt.io/virtualmachineinstancereplicasets/status', TEAM, ['get']],
    ['pool.kubevirt.io/virtualmachinepools', TEAM, WRITE],
    ['pool.kubevirt.io/virtualmachinepools/scale', TEAM, ['get']],
    ['pool.kubevirt.io/virtualmachinepools/status', TEAM, ['get']],
    ['keda.sh/scaledobjects', TEAM, WRITE],
    ['keda.sh/triggerauthentications', TEAM, WRITE],
    ['keda.sh/clustertriggerauthentications', CLUSTER, []],
    ['kubevirt.io/virtualmachineinstances', TEAM, [...READ, 'delete']],
    ['kubevirt.io/virtualmachines', TEAM, [...READ, 'delete']],
    ['cdi.kubevirt.io/datavolumes', TEAM, READ],
    ['cdi.kubevirt.io/datasources', TEAM, READ],
    ['cdi.kubevirt.io/datavolumes/source', 'runner-fleet-images', ['create']],
    ['cdi.kubevirt.io/datavolumes/source', TEAM, []],
    ['rbac.authorization.k8s.io/rolebindings', TEAM, []],
    [
      'rbac.authorization.k8s.io/rolebindings',
      'runner-fleet-images',
      ['get', 'create', 'patch', 'delete'],
    ],
    ['rbac.authorization.k8s.io/clusterroles', CLUSTER, []],
    ['apiextensions.k8s.io/customresourcedefinitions', CLUSTER, []],
  ];

function attributes(path: string) {
  const parts = path.split('/');
  const group =
    parts.length > 1 && parts[0].includes('.') ? parts.shift()! : '';
  return { group, resource: parts[0], subresource: parts[1] };
}

describe('RBAC', () => {
  const cluster = useTestCluster();

  it('an unprivileged user is forbidden (403)', async () => {
    const kc = cluster.kubeConfig('alice');
    const objects = kc.makeApiClient(CustomObjectsApi);
    await expect(
      rejection(
        objects.listNamespacedCustomObject({
          ...RESOURCES.VirtualMachineInstanceReplicaSet,
          namespace: cluster.namespace,
        }),
      ),
    ).resolves.toEqual({
      code: 403,
      message: expect.stringContaining('User "alice" cannot list resource'),
    });
    await expect(
      rejection(kc.makeApiClient(CoreV1Api).listNamespace()),
    ).resolves.toMatchObject({ code: 403 });
  });

  describe('the backend may do exactly what k8s/rbac grants', () => {
    const rows = POLICY.flatMap(([resource, namespace, allowed]) =>
      ALL_VERBS.map(verb => ({
        resource,
        namespace,
        verb,
        allowed: allowed.includes(verb),
      })),
    );

    it.each(POLICY)('%s in %s', async (resource, namespace) => {
      const api = cluster
        .kubeConfig('runner-fleet-backend')
        .makeApiClient(AuthorizationV1Api);
      let ns: string | undefined = namespace;
      if (namespace === TEAM) ns = cluster.namespace;
      if (namespace === CLUSTER) ns = undefined;
      const expected = rows.filter(
        r => r.resource === resource && r.namespace === namespace,
      );
      const actual = await Promise.all(
        expected.map(async ({ verb }) => {
          const review = await api.createSelfSubjectAccessReview({
            body: {
              spec: {
                resourceAttributes: {
                  ...attributes(resource),
                  verb,
                  namespace: ns,
                },
              },
            },
          });
          return {
            resource,
            namespace,
            verb,
            allowed: review.status?.allowed ?? false,
          };
        }),
      );
      expect(actual).toEqual(expected);
    });
  });

  describe('real calls as the backend', () => {
    it('server-side applies a VMIRS in a team namespace', async () => {
      const [applied] = await applyYaml(
        cluster.kubeConfig('runner-fleet-backend'),
        [vmirs('backend-made')],
        { namespace: cluster.namespace, fieldManager: 'runner-fleet' },
      );
      expect(applied.metadata?.namespace).toBe(cluster.namespace);
    });

    it('cannot delete a namespace', async () => {
      const core = cluster
        .kubeConfig('runner-fleet-backend')
        .makeApiClient(CoreV1Api);
      await expect(
        rejection(core.deleteNamespace({ name: cluster.namespace })),
      ).resolves.toMatchObject({ code: 403 });
    });

    it('cannot change replicas through /scale (that is KEDA’s)', async () => {
      const objects = cluster
        .kubeConfig('runner-fleet-backend')
        .makeApiClient(CustomObjectsApi);
      await expect(
        rejection(
          objects.patchNamespacedCustomObjectScale(
            {
              ...RESOURCES.VirtualMachineInstanceReplicaSet,
              namespace: cluster.namespace,
              name: 'backend-made',
              body: { spec: { replicas: 5 } },
            },
            mergePatch,
          ),
        ),
      ).resolves.toMatchObject({ code: 403 });
    });
  });
});
