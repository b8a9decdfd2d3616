import {
  ApiException,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createNamespace, parseManifests } from '../applyYaml';
import { findRepoRoot } from '../binaries';
import { useTestCluster } from '../jest';
import { kustomizationFile, renderKustomization } from './renderKustomization';

const k8sDir = join(findRepoRoot() ?? process.cwd(), 'k8s');
const CLUSTERS = ['primary', 'burst'] as const;

/** `kubectl apply --server-side --dry-run=server` of one object, as `kubectl` would. */
async function dryRunApply(kc: KubeConfig, object: KubernetesObject) {
  const client = KubernetesObjectApi.makeApiClient(kc);
  return client.patch(
    object,
    undefined,
    'All',
    'kubectl',
    false,
    PatchStrategy.ServerSideApply,
  );
}

function idOf(object: KubernetesObject): string {
  const ns = object.metadata?.namespace;
  return `${object.kind} ${ns ? `${ns}/` : ''}${object.metadata?.name}`;
}

async function dryRunAll(kc: KubeConfig, objects: KubernetesObject[]) {
  const failures: string[] = [];
  for (const object of objects) {
    try {
      await dryRunApply(kc, object);
    } catch (error) {
      const detail =
        error instanceof ApiException ? `${error.code} ${error.body}` : error;
      failures.push(`${idOf(object)}: ${detail}`);
    }
  }
  return failures;
}

describe('the k8s/ install kit', () => {
  const cluster = useTestCluster({ namespacePrefix: 'kit' });

  it.each(CLUSTERS)(
    'k8s/clusters/%s passes a server-side dry-run on the real API server',
    async name => {
      const rendered = renderKustomization(join(k8sDir, 'clusters', name));
      const objects = rendered.map(r => r.object);
      expect(objects.map(o => o.kind)).toEqual(
        expect.arrayContaining([
          'Namespace',
          'ClusterRole',
          'ServiceAccount',
          'DataSource',
          'DataVolume',
          'RoleBinding',
        ]),
      );

      // kustomize refuses two objects with the same id.
      const ids = objects.map(idOf);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);

      // A fresh cluster has none of these namespaces: every namespaced object must live in a
      // namespace the kit creates (kubectl applies Namespaces first).
      const kitNamespaces = new Set(
        objects.filter(o => o.kind === 'Namespace').map(o => o.metadata?.name),
      );
      const outside = objects
        .filter(o => o.metadata?.namespace)
        .filter(o => !kitNamespaces.has(o.metadata?.namespace))
        .map(idOf);
      expect(outside).toEqual([]);

      const kc = cluster.kubeConfig('admin');
      expect(await dryRunAll(kc, objects)).toEqual([]);

      // A dry run persists nothing: the golden image is still absent afterwards.
      const client = KubernetesObjectApi.makeApiClient(kc);
      await expect(
        client.read({
          apiVersion: 'cdi.kubevirt.io/v1beta1',
          kind: 'DataSource',
          metadata: {
            name: 'windows-2022-golden',
            namespace: 'runner-fleet-images',
          },
        }),
      ).rejects.toMatchObject({ code: 404 });
    },
  );

  it('burst adds the backend token; primary runs the backend in-cluster', () => {
    const secrets = (name: string) =>
      renderKustomization(join(k8sDir, 'clusters', name))
        .map(r => r.object)
        .filter(o => o.kind === 'Secret')
        .map(idOf);
    expect(secrets('burst')).toEqual([
      'Secret runner-fleet/runner-fleet-backend-token',
    ]);
    expect(secrets('primary')).toEqual([]);
  });

  it('lists every manifest of k8s/rbac/ in its kustomization', () => {
    const dir = join(k8sDir, 'rbac');
    const file = kustomizationFile(dir);
    expect(file).toBeDefined();
    const listed = (
      parse(readFileSync(file!, 'utf8')) as { resources: string[] }
    ).resources;
    const manifests = readdirSync(dir).filter(
      f => f.endsWith('.yaml') || f.endsWith('.yml'),
    );
    expect([...listed].sort()).toEqual([...manifests].sort());
  });

  it('the KEDA examples pass a dry-run where their namespaces exist', async () => {
    const kc = cluster.kubeConfig('admin');
    const dir = join(k8sDir, 'keda');
    const objects = readdirSync(dir)
      .filter(f => f.endsWith('.example.yaml'))
      .sort()
      .flatMap(f => parseManifests(readFileSync(join(dir, f), 'utf8')));
    expect(objects.map(o => o.kind).sort()).toEqual([
      'NetworkPolicy',
      'NetworkPolicy',
      'Secret',
      'TriggerAuthentication',
    ]);
    // Where KEDA, Backstage and a team's pools live in a real cluster.
    for (const ns of new Set(objects.map(o => o.metadata?.namespace))) {
      await createNamespace(kc, ns!);
    }
    expect(await dryRunAll(kc, objects)).toEqual([]);
  });

  it('a dry run rejects what the cluster would reject', async () => {
    const kc = cluster.kubeConfig('admin');
    const failures = await dryRunAll(kc, [
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'broken', namespace: cluster.namespace },
        spec: {
          podSelector: {},
          ingress: [{ ports: [{ protocol: 'TCP', port: 70000 }] }],
        },
      } as KubernetesObject,
    ]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/NetworkPolicy .*broken: 422 .*70000/);
  });
});
