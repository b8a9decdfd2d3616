import { ApisApi, CustomObjectsApi } from '@kubernetes/client-node';
import { useTestCluster } from './jest';

const CRDS = [
  ['kubevirt.io', 'v1', 'virtualmachineinstancereplicasets'],
  ['kubevirt.io', 'v1', 'virtualmachines'],
  ['kubevirt.io', 'v1', 'virtualmachineinstances'],
  ['pool.kubevirt.io', 'v1beta1', 'virtualmachinepools'],
  ['cdi.kubevirt.io', 'v1beta1', 'datavolumes'],
  ['cdi.kubevirt.io', 'v1beta1', 'datasources'],
  ['keda.sh', 'v1alpha1', 'scaledobjects'],
  ['keda.sh', 'v1alpha1', 'triggerauthentications'],
] as const;

describe('served', () => {
  const cluster = useTestCluster();
  it.each(CRDS)('%s/%s %s lists', async (group, version, plural) => {
    const api = cluster.kubeConfig().makeApiClient(CustomObjectsApi);
    const list = await api.listNamespacedCustomObject({
      group,
      version,
      namespace: cluster.namespace,
      plural,
    });
    expect(list).toMatchObject({ items: [] });
  });
  it('groups', async () => {
    const api = cluster.kubeConfig().makeApiClient(ApisApi);
    const groups = await api.getAPIVersions();
    expect(groups.groups.map(g => g.name)).toContain('keda.sh');
  });
});
