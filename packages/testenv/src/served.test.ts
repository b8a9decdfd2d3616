import { ApisApi, CustomObjectsApi } from '@kubernetes/client-node';
import { useTestCluster } from './jest';

/** Every served group/version/resource of the 9 CRDs, namespaced unless marked. */
const SERVED: Array<[group: string, version: string, plural: string]> = [
  ['kubevirt.io', 'v1', 'virtualmachineinstancereplicasets'],
  ['kubevirt.io', 'v1alpha3', 'virtualmachineinstancereplicasets'],
  ['kubevirt.io', 'v1', 'virtualmachines'],
  ['kubevirt.io', 'v1alpha3', 'virtualmachines'],
  ['kubevirt.io', 'v1', 'virtualmachineinstances'],
  ['kubevirt.io', 'v1alpha3', 'virtualmachineinstances'],
  ['pool.kubevirt.io', 'v1beta1', 'virtualmachinepools'],
  ['pool.kubevirt.io', 'v1alpha1', 'virtualmachinepools'],
  ['cdi.kubevirt.io', 'v1beta1', 'datavolumes'],
  ['cdi.kubevirt.io', 'v1beta1', 'datasources'],
  ['keda.sh', 'v1alpha1', 'scaledobjects'],
  ['keda.sh', 'v1alpha1', 'triggerauthentications'],
];

describe('each CRD is served', () => {
  const cluster = useTestCluster();

  it.each(SERVED)(
    '%s/%s %s: listable in a namespace',
    async (group, version, plural) => {
      const api = cluster.kubeConfig().makeApiClient(CustomObjectsApi);
      await expect(
        api.listNamespacedCustomObject({
          group,
          version,
          plural,
          namespace: cluster.namespace,
        }),
      ).resolves.toMatchObject({ items: [] });
    },
  );

  it('keda.sh/v1alpha1 clustertriggerauthentications: listable cluster-wide', async () => {
    const api = cluster.kubeConfig().makeApiClient(CustomObjectsApi);
    await expect(
      api.listClusterCustomObject({
        group: 'keda.sh',
        version: 'v1alpha1',
        plural: 'clustertriggerauthentications',
      }),
    ).resolves.toHaveProperty('items');
  });

  it('discovery lists the four API groups with their preferred versions', async () => {
    const { groups } = await cluster
      .kubeConfig()
      .makeApiClient(ApisApi)
      .getAPIVersions();
    const preferred = Object.fromEntries(
      groups.map(g => [g.name, g.preferredVersion?.version]),
    );
    expect(preferred).toMatchObject({
      'kubevirt.io': 'v1',
      'pool.kubevirt.io': 'v1beta1',
      'cdi.kubevirt.io': 'v1beta1',
      'keda.sh': 'v1alpha1',
    });
  });
});
