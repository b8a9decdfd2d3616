import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyYaml, parseManifests } from '../applyYaml';

/**
 * The golden images of the embedded default: the install kit's DataSources
 * (`k8s/images/*.yaml`), each with its source PVC created directly. A real cluster imports the
 * PVC with the kit's DataVolume (minutes to hours for a 160 GiB disk); locally the fleet
 * simulator only needs the PVC to exist to play the per-VM clones, so the import is skipped.
 *
 * @param k8sDir - the repository's `k8s/` folder
 * @public
 */
export function goldenImageManifests(k8sDir: string): KubernetesObject[] {
  const file = join(k8sDir, 'images', 'windows-2022-golden.yaml');
  const kit = parseManifests(readFileSync(file, 'utf8'));
  const dataVolumes = new Map(
    kit
      .filter(o => o.kind === 'DataVolume')
      .map(o => [`${o.metadata?.namespace}/${o.metadata?.name}`, o]),
  );
  return kit
    .filter(o => o.kind === 'DataSource')
    .flatMap(ds => {
      const pvc = (
        ds as KubernetesObject & {
          spec: { source: { pvc: { name: string; namespace?: string } } };
        }
      ).spec.source.pvc;
      const namespace = pvc.namespace ?? ds.metadata?.namespace;
      const importer = dataVolumes.get(`${namespace}/${pvc.name}`) as
        | (KubernetesObject & { spec: { storage: Record<string, unknown> } })
        | undefined;
      if (!importer) {
        throw new Error(
          `${file}: DataSource ${ds.metadata?.name} points at PVC ${namespace}/${pvc.name}, which no DataVolume there imports; add one`,
        );
      }
      const sourcePvc: KubernetesObject = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: pvc.name,
          namespace,
          labels: ds.metadata?.labels,
        },
        spec: importer.spec.storage,
      } as KubernetesObject;
      return [sourcePvc, ds];
    });
}

/**
 * Seeds the golden images into a cluster (idempotent: server-side apply).
 *
 * @public
 */
export async function seedGoldenImages(
  kc: KubeConfig,
  k8sDir: string,
): Promise<KubernetesObject[]> {
  return applyYaml(kc, goldenImageManifests(k8sDir));
}
