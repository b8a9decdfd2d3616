import { stringify } from 'yaml';
import { applyYaml } from './applyYaml';
import { useTestCluster } from './jest';
import { vmirs } from './__testUtils__/fixtures';
import {
  customObjects,
  mergePatch,
  Obj,
  RESOURCES,
  rejection,
} from './__testUtils__/objects';

/** The VMIRS as the backend applies it: replicas left to KEDA. */
function rendered(
  name: string,
  image = 'quay.io/containerdisks/ubuntu:24.04',
): Obj {
  const object = vmirs(name);
  const spec = { ...object.spec };
  delete spec.replicas;
  const text = JSON.stringify(spec).replace(
    'quay.io/containerdisks/ubuntu:24.04',
    image,
  );
  return { ...object, spec: JSON.parse(text) };
}

describe('server-side apply on custom resources', () => {
  const cluster = useTestCluster();
  const apply = (object: Obj, fieldManager = 'runner-fleet', force = true) =>
    applyYaml(cluster.kubeConfig(), stringify(object), {
      namespace: cluster.namespace,
      fieldManager,
      force,
    }).then(([applied]) => applied as Obj);

  it('applying the same manifest twice is a no-op (same resourceVersion)', async () => {
    const first = await apply(rendered('ssa-noop'));
    const second = await apply(rendered('ssa-noop'));
    expect(second.metadata.resourceVersion).toBe(
      first.metadata.resourceVersion,
    );
    expect(second.metadata.managedFields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          manager: 'runner-fleet',
          operation: 'Apply',
        }),
      ]),
    );
  });

  it('a changed manifest is a new resourceVersion', async () => {
    const first = await apply(rendered('ssa-change'));
    const second = await apply(
      rendered('ssa-change', 'quay.io/containerdisks/ubuntu:25.04'),
    );
    expect(second.metadata.resourceVersion).not.toBe(
      first.metadata.resourceVersion,
    );
  });

  it('re-applying keeps the replica count KEDA wrote through /scale', async () => {
    await apply(rendered('ssa-keda'));
    const objects = customObjects(cluster.kubeConfig(), cluster.namespace);
    await objects.api.patchNamespacedCustomObjectScale(
      {
        ...RESOURCES.VirtualMachineInstanceReplicaSet,
        namespace: cluster.namespace,
        name: 'ssa-keda',
        body: { spec: { replicas: 4 } },
      },
      mergePatch,
    );
    const reapplied = await apply(rendered('ssa-keda'));
    expect(reapplied.spec?.replicas).toBe(4);
  });

  it('another manager changing an owned field conflicts unless forced', async () => {
    await apply(rendered('ssa-conflict'));
    const other = rendered('ssa-conflict', 'registry.example/other:1');
    await expect(
      rejection(apply(other, 'someone-else', false)),
    ).resolves.toEqual({
      code: 409,
      message: expect.stringContaining('conflict with "runner-fleet"'),
    });
    const forced = await apply(other, 'someone-else', true);
    expect(JSON.stringify(forced.spec)).toContain('registry.example/other:1');
  });
});
