import {
  clonesThroughDataSource,
  goldenImageOutdated,
  resolveGoldenImage,
  sameGoldenImage,
} from './goldenImagePin';
import { KubeObject } from './render';
import { exampleFlavor } from './render/testing';

const IMAGE = 'runner-fleet-images/windows-2022-golden';
const dataSource = (
  spec: Record<string, unknown>,
  status?: Record<string, unknown>,
): KubeObject => ({
  apiVersion: 'cdi.kubevirt.io/v1beta1',
  kind: 'DataSource',
  metadata: {
    name: 'windows-2022-golden',
    namespace: 'runner-fleet-images',
    labels: {},
  },
  spec,
  ...(status ? { status } : {}),
});

describe('resolveGoldenImage', () => {
  it('takes the PVC the DataSource names, in its own namespace when the source names none (as CDI does)', () => {
    expect(
      resolveGoldenImage(
        IMAGE,
        dataSource({ source: { pvc: { name: 'windows-2022-v3' } } }),
      ),
    ).toEqual({
      dataSource: IMAGE,
      kind: 'pvc',
      namespace: 'runner-fleet-images',
      name: 'windows-2022-v3',
    });
  });

  it('takes a VolumeSnapshot source in the namespace it names', () => {
    expect(
      resolveGoldenImage(
        IMAGE,
        dataSource({
          source: { snapshot: { namespace: 'golden', name: 'win-2024-11' } },
        }),
      ),
    ).toEqual({
      dataSource: IMAGE,
      kind: 'snapshot',
      namespace: 'golden',
      name: 'win-2024-11',
    });
  });

  it('follows a DataSource reference through the source CDI resolved into status', () => {
    const chained = { source: { dataSource: { name: 'windows-latest' } } };
    expect(resolveGoldenImage(IMAGE, dataSource(chained))).toBeUndefined();
    expect(
      resolveGoldenImage(
        IMAGE,
        dataSource(chained, {
          source: { pvc: { namespace: 'golden', name: 'win-v9' } },
        }),
      ),
    ).toMatchObject({ kind: 'pvc', namespace: 'golden', name: 'win-v9' });
  });

  it('has nothing to pin without a DataSource or without a source', () => {
    expect(resolveGoldenImage(IMAGE, undefined)).toBeUndefined();
    expect(
      resolveGoldenImage(IMAGE, dataSource({ source: {} })),
    ).toBeUndefined();
  });
});

describe('goldenImageOutdated', () => {
  const flavor = exampleFlavor('win.xlarge');
  const v1 = resolveGoldenImage(
    flavor.image,
    dataSource({ source: { pvc: { name: 'windows-2022-v1' } } }),
  )!;
  const moved = dataSource({ source: { pvc: { name: 'windows-2022-v2' } } });

  it('flags a pool pinned to an older version than its DataSource names, naming both', () => {
    const outdated = goldenImageOutdated({ flavor, goldenImage: v1 }, moved);
    expect(outdated?.code).toBe('GoldenImageOutdated');
    expect(outdated?.reason).toContain(
      'ready on golden image version pvc runner-fleet-images/windows-2022-v1',
    );
    expect(outdated?.reason).toContain(
      'names pvc runner-fleet-images/windows-2022-v2 now: a fleet rollout of flavor win.xlarge',
    );
  });

  it('flags an unpinned pool (its VMs clone whatever the DataSource names): a fleet rollout pins it', () => {
    const unpinned = goldenImageOutdated({ flavor }, moved);
    expect(unpinned?.code).toBe('GoldenImageOutdated');
    expect(unpinned?.reason).toContain(
      'not pinned to a golden image version: its VMs clone whatever the DataSource runner-fleet-images/windows-2022-golden names when each is created (pvc runner-fleet-images/windows-2022-v2 now)',
    );
  });

  it('does not flag a pool on the current version, or one pinned to another DataSource', () => {
    const current = dataSource({
      source: { pvc: { name: 'windows-2022-v1' } },
    });
    expect(
      goldenImageOutdated({ flavor, goldenImage: v1 }, current),
    ).toBeUndefined();
    expect(
      goldenImageOutdated(
        {
          flavor,
          goldenImage: { ...v1, dataSource: 'runner-fleet-images/other' },
        },
        moved,
      ),
    ).toBeUndefined();
    expect(sameGoldenImage(v1, { ...v1 })).toBe(true);
    expect(sameGoldenImage(v1, { ...v1, kind: 'snapshot' })).toBe(false);
  });
});

describe('clonesThroughDataSource', () => {
  it('tells an unpinned VirtualMachinePool (sourceRef) from a pinned one (source.pvc)', () => {
    const vmPool = (spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'pool.kubevirt.io/v1beta1',
      kind: 'VirtualMachinePool',
      metadata: { name: 'rf-builds', labels: {} },
      spec: {
        virtualMachineTemplate: { spec: { dataVolumeTemplates: [{ spec }] } },
      },
    });
    expect(
      clonesThroughDataSource(
        vmPool({ sourceRef: { kind: 'DataSource', name: 'windows' } }),
      ),
    ).toBe(true);
    expect(
      clonesThroughDataSource(
        vmPool({ source: { pvc: { namespace: 'images', name: 'win-v1' } } }),
      ),
    ).toBe(false);
  });
});
