import { CoreV1Api } from '@kubernetes/client-node';
import { useTestCluster } from './jest';
import {
  dataVolume,
  scaledObject,
  triggerAuthentication,
  virtualMachinePool,
  vmirs,
} from './__testUtils__/fixtures';
import { customObjects, Kind, Obj } from './__testUtils__/objects';

describe('objects the backend writes round-trip through the upstream schemas', () => {
  const cluster = useTestCluster();

  it('stores the cloud-init Secret a VMIRS refers to', async () => {
    const core = cluster.kubeConfig().makeApiClient(CoreV1Api);
    const userdata = '#cloud-config\nruncmd: [gitlab-runner run]\n';
    await core.createNamespacedSecret({
      namespace: cluster.namespace,
      body: {
        metadata: { name: 'linux-cloudinit' },
        stringData: { userdata },
      },
    });
    const secret = await core.readNamespacedSecret({
      namespace: cluster.namespace,
      name: 'linux-cloudinit',
    });
    expect(Buffer.from(secret.data?.userdata ?? '', 'base64').toString()).toBe(
      userdata,
    );
  });

  const cases: Array<[string, Obj]> = [
    ['VMIRS with cloudInitNoCloud.secretRef', vmirs('linux')],
    [
      'VirtualMachinePool v1beta1 with dataVolumeTemplates cloning a PVC',
      virtualMachinePool('windows'),
    ],
    ['DataVolume cloning a PVC across namespaces', dataVolume('clone')],
    ['ScaledObject with a metrics-api trigger', scaledObject('linux', 'linux')],
    [
      'TriggerAuthentication from a Secret',
      triggerAuthentication('linux-metrics'),
    ],
  ];

  it.each(cases)(
    '%s: get returns the spec that was created',
    async (_, object) => {
      const objects = customObjects(cluster.kubeConfig(), cluster.namespace);
      const created = await objects.create(object);
      expect(created.metadata.namespace).toBe(cluster.namespace);
      // Anything the schema does not know would have been pruned: equality proves every field
      // is part of the upstream schema.
      const read = await objects.get(object.kind as Kind, object.metadata.name);
      expect(read.spec).toEqual(object.spec);
      expect(read.metadata.labels).toEqual(object.metadata.labels);
    },
  );
});
