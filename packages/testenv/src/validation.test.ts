import { useTestCluster } from './jest';
import {
  scaledObject,
  virtualMachinePool,
  vmirs,
} from './__testUtils__/fixtures';
import { customObjects, Obj, rejection } from './__testUtils__/objects';

function without(object: Obj, field: string): Obj {
  const spec = { ...object.spec };
  delete spec[field];
  return { ...object, spec };
}

function withBehavior(seconds: number): Record<string, unknown> {
  return {
    advanced: {
      horizontalPodAutoscalerConfig: {
        behavior: { scaleDown: { stabilizationWindowSeconds: seconds } },
      },
    },
  };
}

describe('the upstream schemas reject invalid objects with the API server message', () => {
  const cluster = useTestCluster();
  const create = (object: Obj) =>
    rejection(
      customObjects(cluster.kubeConfig(), cluster.namespace).create(object),
    );

  it('ScaledObject with minReplicaCount > maxReplicaCount (KEDA CEL rule)', async () => {
    const object = scaledObject('min-max', 'linux', {
      minReplicaCount: 5,
      maxReplicaCount: 2,
    });
    await expect(create(object)).resolves.toEqual({
      code: 422,
      message: expect.stringContaining(
        'minReplicaCount must be less than or equal to maxReplicaCount',
      ),
    });
  });

  it('ScaledObject with stabilizationWindowSeconds > 3600 (KEDA kustomize patch)', async () => {
    const object = scaledObject('window', 'linux', withBehavior(4000));
    await expect(create(object)).resolves.toEqual({
      code: 422,
      message: expect.stringMatching(
        /stabilizationWindowSeconds: Invalid value: 4000: spec\.advanced\.horizontalPodAutoscalerConfig\.behavior\.scaleDown\.stabilizationWindowSeconds in body should be less than or equal to 3600/,
      ),
    });
  });

  it('ScaledObject without triggers', async () => {
    await expect(
      create(without(scaledObject('no-triggers', 'linux'), 'triggers')),
    ).resolves.toEqual({
      code: 422,
      message: expect.stringContaining('spec.triggers: Required value'),
    });
  });

  it('VMIRS without template', async () => {
    await expect(
      create(without(vmirs('no-template'), 'template')),
    ).resolves.toEqual({
      code: 422,
      message: expect.stringContaining('spec.template: Required value'),
    });
  });

  it('VMIRS with a non-integer replica count', async () => {
    const object = vmirs('bad-replicas');
    await expect(
      create({ ...object, spec: { ...object.spec, replicas: 'two' } }),
    ).resolves.toEqual({
      code: 422,
      message: expect.stringContaining(
        'spec.replicas: Invalid value: "string"',
      ),
    });
  });

  it('VirtualMachinePool without virtualMachineTemplate', async () => {
    await expect(
      create(
        without(virtualMachinePool('no-vm-template'), 'virtualMachineTemplate'),
      ),
    ).resolves.toEqual({
      code: 422,
      message: expect.stringContaining(
        'spec.virtualMachineTemplate: Required value',
      ),
    });
  });

  it('accepts the boundary values the rejections are measured against', async () => {
    const objects = customObjects(cluster.kubeConfig(), cluster.namespace);
    const edge = scaledObject('edge', 'linux', {
      minReplicaCount: 3,
      maxReplicaCount: 3,
      ...withBehavior(3600),
    });
    await expect(objects.create(edge)).resolves.toMatchObject({
      spec: { minReplicaCount: 3, maxReplicaCount: 3 },
    });
  });
});
