import { LABELS } from '@runner-fleet/plugin-runners-common';
import { cloneSourceNamespaces } from '../cloneAccess';
import { renderPool } from './renderPool';
import { at, exampleFlavor, exampleRenderInput, findObject } from './testing';
import { GoldenImageSource } from './types';

const render = (goldenImage?: GoldenImageSource) => {
  const objects = renderPool(
    exampleRenderInput({ flavor: exampleFlavor('win.xlarge'), goldenImage }),
  );
  const vmpool = findObject(objects, 'VirtualMachinePool');
  const vmSpec = at(vmpool, 'spec', 'virtualMachineTemplate', 'spec');
  const labels = at(
    vmpool,
    'spec',
    'virtualMachineTemplate',
    'metadata',
    'labels',
  ) as Record<string, string>;
  return { objects, vmpool, vmSpec, hash: labels[LABELS.templateHash] };
};

const v1: GoldenImageSource = {
  dataSource: 'runner-fleet-images/windows-2022-golden',
  kind: 'pvc',
  namespace: 'runner-fleet-images',
  name: 'windows-2022-v1',
};
const v2: GoldenImageSource = { ...v1, name: 'windows-2022-v2' };

describe('a Windows pool pinned to a golden image version', () => {
  it('clones the pinned PVC directly, not the DataSource CDI would resolve per clone', () => {
    const { vmSpec } = render(v1);
    expect(at(vmSpec, 'dataVolumeTemplates')).toEqual([
      {
        metadata: { name: 'rf-builds-disk' },
        spec: {
          source: {
            pvc: { namespace: 'runner-fleet-images', name: 'windows-2022-v1' },
          },
          storage: { resources: { requests: { storage: '160Gi' } } },
        },
      },
    ]);
  });

  it('clones a pinned VolumeSnapshot as a snapshot source', () => {
    const { vmSpec } = render({ ...v1, kind: 'snapshot' });
    expect(at(vmSpec, 'dataVolumeTemplates', 0, 'spec', 'source')).toEqual({
      snapshot: { namespace: 'runner-fleet-images', name: 'windows-2022-v1' },
    });
  });

  it('keeps the DataSource sourceRef while nothing is pinned', () => {
    const { vmSpec } = render();
    expect(at(vmSpec, 'dataVolumeTemplates', 0, 'spec', 'sourceRef')).toEqual({
      kind: 'DataSource',
      namespace: 'runner-fleet-images',
      name: 'windows-2022-golden',
    });
  });

  it('has the pin in the template hash: a new version rolls the pool, the same one does not', () => {
    expect(render(v1).hash).toBe(render({ ...v1 }).hash);
    expect(render(v2).hash).not.toBe(render(v1).hash);
    expect(render(v1).hash).not.toBe(render().hash);
    // Only the VM template moves: the pool's other objects stay as they are.
    const others = (g?: GoldenImageSource) =>
      render(g).objects.filter(o => o.kind !== 'VirtualMachinePool');
    expect(others(v2)).toEqual(others(v1));
  });

  it('keeps clone access to the golden-image namespace of the pinned source', () => {
    const { vmpool, objects } = render(v1);
    expect(cloneSourceNamespaces(vmpool)).toEqual(['runner-fleet-images']);
    expect(findObject(objects, 'RoleBinding').metadata.namespace).toBe(
      'runner-fleet-images',
    );
    expect(
      cloneSourceNamespaces(render({ ...v1, kind: 'snapshot' }).vmpool),
    ).toEqual(['runner-fleet-images']);
  });
});
