import {
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
} from '@kubernetes/client-node';
import { useTestCluster } from './jest';
import { vmirs } from './__testUtils__/fixtures';
import { RESOURCES, rejection } from './__testUtils__/objects';

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
const READ = ['get', 'list'];
const TEAM = 'team'; // the test file's namespace, standing in for runners-<team>
const CLUSTER = 'cluster scope';
const VIEWER = 'runner-fleet-portal-viewer';

/**
 * What the Backstage Kubernetes plugin may do, per resource (k8s/README.md, "the portal
 * viewer"): the listed verbs are allowed, every other verb of {@link ALL_VERBS} denied.
 * Secrets above all: every team's runner tokens are Secrets, and the plugin's proxy forwards
 * whatever a caller asks with this identity.
 */
const POLICY: Array<[resource: string, namespace: string, allowed: string[]]> =
  [
    ['pods', TEAM, READ],
    ['events', TEAM, READ],
    ['autoscaling/horizontalpodautoscalers', TEAM, READ],
    ['metrics.k8s.io/pods', TEAM, READ],
    ['kubevirt.io/virtualmachineinstancereplicasets', TEAM, READ],
    ['kubevirt.io/virtualmachineinstances', TEAM, READ],
    ['pool.kubevirt.io/virtualmachinepools', TEAM, READ],
    ['cdi.kubevirt.io/datavolumes', TEAM, READ],
    ['keda.sh/scaledobjects', TEAM, READ],
    ['secrets', TEAM, []],
    ['secrets', 'kube-system', []],
    ['secrets', 'runner-fleet', []],
    ['configmaps', TEAM, []],
    ['serviceaccounts', TEAM, []],
    ['serviceaccounts/token', TEAM, []],
    ['pods/log', TEAM, []],
    ['pods/exec', TEAM, []],
    ['pods/portforward', TEAM, []],
    ['services/proxy', TEAM, []],
    ['namespaces', CLUSTER, []],
    ['nodes', CLUSTER, []],
    ['resourcequotas', TEAM, []],
    ['kubevirt.io/virtualmachineinstancereplicasets/scale', TEAM, []],
    ['kubevirt.io/virtualmachines', TEAM, []],
    ['subresources.kubevirt.io/virtualmachineinstances/console', TEAM, []],
    ['subresources.kubevirt.io/virtualmachineinstances/vnc', TEAM, []],
    ['keda.sh/triggerauthentications', TEAM, []],
    ['keda.sh/clustertriggerauthentications', CLUSTER, []],
    ['cdi.kubevirt.io/datavolumes/source', 'runner-fleet-images', []],
    ['rbac.authorization.k8s.io/rolebindings', TEAM, []],
    ['rbac.authorization.k8s.io/clusterroles', CLUSTER, []],
    ['apiextensions.k8s.io/customresourcedefinitions', CLUSTER, []],
  ];

/** API groups named without a dot (`autoscaling/...`); others are told apart by their dot. */
const DOTLESS_GROUPS = ['autoscaling'];

function attributes(path: string) {
  const parts = path.split('/');
  const grouped =
    parts.length > 1 &&
    (parts[0].includes('.') || DOTLESS_GROUPS.includes(parts[0]));
  const group = grouped ? parts.shift()! : '';
  return { group, resource: parts[0], subresource: parts[1] };
}

describe('RBAC of the portal viewer (the Backstage Kubernetes plugin)', () => {
  const cluster = useTestCluster();
  const rows = POLICY.flatMap(([resource, namespace, allowed]) =>
    ALL_VERBS.map(verb => ({
      resource,
      namespace,
      verb,
      allowed: allowed.includes(verb),
    })),
  );

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(
      `portal viewer RBAC: ${POLICY.length} resources × ${
        ALL_VERBS.length
      } verbs = ${rows.length} SelfSubjectAccessReviews, ${
        rows.filter(r => r.allowed).length
      } allowed (get/list only)`,
    );
  });

  // One test per resource, like rbac.test.ts: 8 reviews each stay quick on a loaded machine.
  it.each(POLICY)('%s in %s', async (resource, namespace) => {
    const api = cluster.kubeConfig(VIEWER).makeApiClient(AuthorizationV1Api);
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

  describe('real calls as the viewer', () => {
    beforeAll(async () => {
      const admin = cluster.kubeConfig('admin').makeApiClient(CoreV1Api);
      await admin.createNamespacedSecret({
        namespace: cluster.namespace,
        body: {
          metadata: { name: 'rf-viewer-test-token' },
          stringData: { token: 'glrt-must-never-be-readable' },
        },
      });
    });

    it('lists runner VMs (what the entity tab shows)', async () => {
      const admin = cluster.kubeConfig('admin').makeApiClient(CustomObjectsApi);
      await admin.createNamespacedCustomObject({
        ...RESOURCES.VirtualMachineInstanceReplicaSet,
        namespace: cluster.namespace,
        body: vmirs('viewer-sees'),
      });
      const viewer = cluster.kubeConfig(VIEWER).makeApiClient(CustomObjectsApi);
      const list = (await viewer.listNamespacedCustomObject({
        ...RESOURCES.VirtualMachineInstanceReplicaSet,
        namespace: cluster.namespace,
      })) as { items: Array<{ metadata: { name: string } }> };
      expect(list.items.map(i => i.metadata.name)).toContain('viewer-sees');
    });

    it('cannot list or get Secrets, in a team namespace or cluster-wide', async () => {
      const core = cluster.kubeConfig(VIEWER).makeApiClient(CoreV1Api);
      await expect(
        rejection(core.listSecretForAllNamespaces()),
      ).resolves.toMatchObject({ code: 403 });
      await expect(
        rejection(
          core.readNamespacedSecret({
            namespace: cluster.namespace,
            name: 'rf-viewer-test-token',
          }),
        ),
      ).resolves.toEqual({
        code: 403,
        message: expect.stringContaining(
          `User "${VIEWER}" cannot get resource "secrets"`,
        ),
      });
    });

    it('cannot write: a server-side dry-run create is forbidden', async () => {
      const viewer = cluster.kubeConfig(VIEWER).makeApiClient(CustomObjectsApi);
      await expect(
        rejection(
          viewer.createNamespacedCustomObject({
            ...RESOURCES.VirtualMachineInstanceReplicaSet,
            namespace: cluster.namespace,
            body: vmirs('viewer-made'),
            dryRun: 'All',
          }),
        ),
      ).resolves.toMatchObject({ code: 403 });
      const core = cluster.kubeConfig(VIEWER).makeApiClient(CoreV1Api);
      await expect(
        rejection(
          core.createNamespacedSecret({
            namespace: cluster.namespace,
            body: { metadata: { name: 'viewer-made' } },
            dryRun: 'All',
          }),
        ),
      ).resolves.toMatchObject({ code: 403 });
    });
  });
});
