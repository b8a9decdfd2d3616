import { CustomObjectsApi } from '@kubernetes/client-node';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { KubernetesClusterClient } from './ClusterClient';
import { replaceRunnerVm } from './replaceRunnerVm';

// Against the real kube-apiserver, as the backend's identity (k8s/rbac), with no controllers:
// what the API server keeps shows how each OS's VM is replaced.
const cluster = useTestCluster();

const KV = { group: 'kubevirt.io', version: 'v1' };

function vmi(name: string) {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { name },
    spec: { domain: { devices: {}, memory: { guest: '1Gi' } } },
  };
}

describe('replaceRunnerVm', () => {
  const admin = () =>
    cluster.kubeConfig('admin').makeApiClient(CustomObjectsApi);
  const backend = () =>
    KubernetesClusterClient.create({
      name: 'local',
      role: 'primary',
      kubeConfig: cluster.kubeConfig('runner-fleet-backend'),
    });
  const get = (plural: string, name: string) =>
    admin()
      .getNamespacedCustomObject({
        ...KV,
        plural,
        namespace: cluster.namespace,
        name,
      })
      .then(
        o =>
          o as {
            metadata: { deletionTimestamp?: string; finalizers?: string[] };
          },
        () => undefined,
      );

  it('replaces a Windows VM by deleting the VirtualMachine in the foreground, never just its VMI', async () => {
    const namespace = cluster.namespace;
    // A VM of a pool and its running VMI; a finalizer stands in for KubeVirt's on the VMI.
    await admin().createNamespacedCustomObject({
      ...KV,
      plural: 'virtualmachines',
      namespace,
      body: {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachine',
        metadata: { name: 'rf-win-0' },
        spec: { runStrategy: 'Always', template: { spec: vmi('x').spec } },
      },
    });
    const vm = (await get('virtualmachines', 'rf-win-0')) as {
      metadata: { uid: string };
    };
    await admin().createNamespacedCustomObject({
      ...KV,
      plural: 'virtualmachineinstances',
      namespace,
      body: {
        ...vmi('rf-win-0'),
        metadata: {
          name: 'rf-win-0',
          finalizers: ['foregroundDeleteVirtualMachine'],
          ownerReferences: [
            {
              apiVersion: 'kubevirt.io/v1',
              kind: 'VirtualMachine',
              name: 'rf-win-0',
              uid: vm.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
      },
    });

    expect(
      await replaceRunnerVm(backend(), 'windows', namespace, 'rf-win-0'),
    ).toBe(true);
    // The VM waits for the garbage collector (its VMI drains, its clone goes); its name stays
    // taken, so the pool cannot re-create it on the old disk.
    const deleting = await get('virtualmachines', 'rf-win-0');
    expect(deleting?.metadata.deletionTimestamp).toBeDefined();
    expect(deleting?.metadata.finalizers).toContain('foregroundDeletion');
    // The VMI is left to the garbage collector: not deleted directly (no restart in place).
    expect(
      (await get('virtualmachineinstances', 'rf-win-0'))?.metadata
        .deletionTimestamp,
    ).toBeUndefined();
    // Gone already: nothing to do.
    expect(
      await replaceRunnerVm(backend(), 'windows', namespace, 'rf-gone-0'),
    ).toBe(false);
  });

  it('replaces a Linux VM by deleting its VMI (the replica set starts a fresh one)', async () => {
    const namespace = cluster.namespace;
    await admin().createNamespacedCustomObject({
      ...KV,
      plural: 'virtualmachineinstances',
      namespace,
      body: vmi('rf-linux-abcde'),
    });
    expect(
      await replaceRunnerVm(backend(), 'linux', namespace, 'rf-linux-abcde'),
    ).toBe(true);
    expect(
      await get('virtualmachineinstances', 'rf-linux-abcde'),
    ).toBeUndefined();
  });
});
