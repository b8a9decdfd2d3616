import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { join } from 'node:path';
import { findRepoRoot } from '../binaries';
import { useTestCluster } from '../jest';
import { goldenImageManifests } from './goldenImages';

const k8sDir = join(findRepoRoot() ?? process.cwd(), 'k8s');

describe('goldenImageManifests', () => {
  const cluster = useTestCluster({ namespacePrefix: 'golden' });

  it('seeds the kit DataSource with a source PVC the size of its import', () => {
    const objects = goldenImageManifests(k8sDir);
    expect(
      objects.map(
        o => `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`,
      ),
    ).toEqual([
      'PersistentVolumeClaim runner-fleet-images/windows-2022-golden',
      'DataSource runner-fleet-images/windows-2022-golden',
    ]);
    expect(objects[0]).toMatchObject({
      spec: { resources: { requests: { storage: '160Gi' } } },
    });
  });

  it('is accepted by the API server (dry run)', async () => {
    const client = KubernetesObjectApi.makeApiClient(cluster.kubeConfig());
    for (const object of goldenImageManifests(k8sDir)) {
      await expect(
        client.patch(
          object,
          undefined,
          'All',
          'runner-fleet-seed',
          true,
          PatchStrategy.ServerSideApply,
        ),
      ).resolves.toMatchObject({ kind: object.kind });
    }
  });
});
