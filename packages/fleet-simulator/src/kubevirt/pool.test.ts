import { indexedVmSpec, poolIndex } from './pool';
import { PoolObject } from './types';

const pool: PoolObject = {
  metadata: { name: 'rf-win', namespace: 'ns' },
  spec: {
    virtualMachineTemplate: {
      spec: {
        runStrategy: 'Always',
        dataVolumeTemplates: [
          {
            metadata: { name: 'rf-win-disk' },
            spec: { sourceRef: { kind: 'DataSource', name: 'win' } },
          },
        ],
        template: {
          spec: {
            volumes: [
              { name: 'rootdisk', dataVolume: { name: 'rf-win-disk' } },
              {
                name: 'sysprep',
                sysprep: { secret: { name: 'rf-win-sysprep' } },
              },
            ],
          },
        },
      },
    },
  },
};

describe('VirtualMachinePool naming', () => {
  it('renames dataVolumeTemplates and the volumes using them per index', () => {
    const spec = indexedVmSpec(pool, 3);
    expect(spec.dataVolumeTemplates?.[0].metadata.name).toBe('rf-win-disk-3');
    expect(spec.template.spec.volumes?.[0].dataVolume?.name).toBe(
      'rf-win-disk-3',
    );
    expect(spec.template.spec.volumes?.[1].sysprep?.secret?.name).toBe(
      'rf-win-sysprep',
    );
    expect(
      pool.spec.virtualMachineTemplate.spec.dataVolumeTemplates?.[0].metadata
        .name,
    ).toBe('rf-win-disk');
  });

  it('appends the index to Secret references with nameGeneration', () => {
    const spec = indexedVmSpec(
      {
        ...pool,
        spec: {
          ...pool.spec,
          nameGeneration: { appendIndexToSecretRefs: true },
        },
      },
      0,
    );
    expect(spec.template.spec.volumes?.[1].sysprep?.secret?.name).toBe(
      'rf-win-sysprep-0',
    );
  });

  it('reads indexes back from VM names', () => {
    expect(poolIndex('rf-win', 'rf-win-12')).toBe(12);
    expect(poolIndex('rf-win', 'rf-win-disk-1')).toBeUndefined();
    expect(poolIndex('rf-win', 'other-1')).toBeUndefined();
  });
});
