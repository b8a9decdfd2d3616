import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  V1Namespace,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { TESTENV_FIELD_MANAGER } from './crds';

/** Options of {@link applyYaml}. @public */
export interface ApplyYamlOptions {
  /** Server-side apply field manager; default `runner-fleet-testenv`. */
  fieldManager?: string;
  /** Namespace for namespaced objects that name none. */
  namespace?: string;
  /** Take over fields owned by other managers (SSA `force`); default true. */
  force?: boolean;
}

/** Parses multi-document YAML into objects, skipping empty documents. @public */
export function parseManifests(text: string): KubernetesObject[] {
  return parseAllDocuments(text)
    .map(doc => {
      if (doc.errors.length) throw doc.errors[0];
      return doc.toJS() as KubernetesObject | null;
    })
    .filter((obj): obj is KubernetesObject => obj !== null);
}

/**
 * Server-side applies manifests (multi-document YAML or objects), in order, and returns the
 * objects as the API server stored them. Applying unchanged manifests again is a no-op.
 *
 * @public
 */
export async function applyYaml(
  kc: KubeConfig,
  manifests: string | KubernetesObject[],
  options: ApplyYamlOptions = {},
): Promise<KubernetesObject[]> {
  const objects =
    typeof manifests === 'string' ? parseManifests(manifests) : manifests;
  const client = KubernetesObjectApi.makeApiClient(kc);
  const applied: KubernetesObject[] = [];
  for (const object of objects) {
    const spec: KubernetesObject =
      options.namespace && !object.metadata?.namespace
        ? {
            ...object,
            metadata: { ...object.metadata, namespace: options.namespace },
          }
        : object;
    applied.push(
      await client.patch(
        spec,
        undefined,
        undefined,
        options.fieldManager ?? TESTENV_FIELD_MANAGER,
        options.force ?? true,
        PatchStrategy.ServerSideApply,
      ),
    );
  }
  return applied;
}

/**
 * Creates a namespace (with optional labels), or returns it if it already exists. Without
 * controllers a deleted namespace stays `Terminating` forever, so tests use fresh names instead
 * of cleaning up.
 *
 * @public
 */
export async function createNamespace(
  kc: KubeConfig,
  name: string,
  labels?: Record<string, string>,
): Promise<V1Namespace> {
  const core = kc.makeApiClient(CoreV1Api);
  try {
    return await core.createNamespace({
      body: { metadata: { name, labels } },
    });
  } catch (error) {
    if (error instanceof ApiException && error.code === 409) {
      return core.readNamespace({ name });
    }
    throw error;
  }
}
