import { V1Scale } from '@kubernetes/client-node';
import { useTestCluster } from './jest';
import { virtualMachinePool, vmirs } from './__testUtils__/fixtures';
import {
  customObjects,
  Kind,
  mergePatch,
  Obj,
  RESOURCES,
} from './__testUtils__/objects';

const cases: Array<[Kind, (name: string) => Obj]> = [
  ['VirtualMachineInstanceReplicaSet', vmirs],
  ['VirtualMachinePool', virtualMachinePool],
];

describe('/scale on the runner workloads', () => {
  const cluster = useTestCluster();

  it.each(cases)(
    '%s: /scale reports the selector a controller writes to status, and writes spec.replicas',
    async (kind, build) => {
      const admin = customObjects(cluster.kubeConfig(), cluster.namespace);
      // The fleet simulator plays KubeVirt's controller: only it writes status.
      const controller = customObjects(
        cluster.kubeConfig('fleet-simulator'),
        cluster.namespace,
      );
      const name = `scale-${kind.toLowerCase().slice(0, 12)}`;
      const where = { ...RESOURCES[kind], namespace: cluster.namespace, name };
      await admin.create(build(name));

      const before = (await admin.api.getNamespacedCustomObjectScale(
        where,
      )) as V1Scale;
      // Without a controller there is no selector: the HPA (KEDA) cannot work yet.
      expect(before.status?.selector).toBeUndefined();

      const selector = `runner-fleet.io/pool=${name},runner-fleet.io/role=primary`;
      const status = await controller.patchStatus(kind, name, {
        replicas: 1,
        readyReplicas: 1,
        labelSelector: selector,
      });
      expect(status.status).toMatchObject({ labelSelector: selector });

      const scale = (await admin.api.getNamespacedCustomObjectScale(
        where,
      )) as V1Scale;
      expect(scale).toMatchObject({
        kind: 'Scale',
        spec: { replicas: 1 },
        status: { replicas: 1, selector },
      });

      // What the HPA does when KEDA asks for more runners.
      await admin.api.patchNamespacedCustomObjectScale(
        { ...where, body: { spec: { replicas: 3 } } },
        mergePatch,
      );
      const scaled = await admin.get(kind, name);
      expect(scaled.spec?.replicas).toBe(3);
      expect(scaled.status).toMatchObject({
        replicas: 1,
        labelSelector: selector,
      });
    },
  );

  it('a status write through the main resource is ignored (status is a subresource)', async () => {
    const admin = customObjects(cluster.kubeConfig(), cluster.namespace);
    const created = await admin.create({
      ...vmirs('status-ignored'),
      status: { replicas: 7, labelSelector: 'a=b' },
    });
    expect(created.status).toBeUndefined();
  });
});
