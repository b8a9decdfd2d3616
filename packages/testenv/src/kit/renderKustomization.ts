import { KubernetesObject } from '@kubernetes/client-node';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseManifests } from '../applyYaml';

/** File names kustomize accepts for a kustomization, in its order of preference. */
const KUSTOMIZATION_FILES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

/** The keys this renderer understands; the install kit uses no others. */
const SUPPORTED_KEYS = new Set(['apiVersion', 'kind', 'resources']);

/** One rendered object and the file it came from. @public */
export interface RenderedObject {
  object: KubernetesObject;
  /** Path of its manifest, relative to the folder rendered. */
  source: string;
}

/** The kustomization file of `dir`, or undefined if it has none. */
export function kustomizationFile(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map(f => join(dir, f)).find(f => existsSync(f));
}

/**
 * Renders a kustomization the way `kubectl kustomize` does for the subset the install kit uses:
 * `resources` listing manifest files and other kustomization folders, depth first, in order.
 * Anything else (patches, generators, `namespace`, labels) is refused rather than silently
 * ignored, so the test never checks something other than what `kubectl apply -k` would apply.
 *
 * @public
 */
export function renderKustomization(dir: string): RenderedObject[] {
  return renderDir(resolve(dir), resolve(dir), []);
}

function renderDir(
  dir: string,
  root: string,
  stack: string[],
): RenderedObject[] {
  if (stack.includes(dir)) {
    throw new Error(
      `kustomization cycle: ${[...stack, dir]
        .map(d => relative(root, d) || '.')
        .join(' → ')}`,
    );
  }
  const file = kustomizationFile(dir);
  if (!file) {
    throw new Error(
      `${
        relative(root, dir) || '.'
      } has no kustomization.yaml; a resources entry must be a manifest file or a kustomization folder`,
    );
  }
  const kustomization = parse(readFileSync(file, 'utf8')) as Record<
    string,
    unknown
  >;
  const unsupported = Object.keys(kustomization).filter(
    k => !SUPPORTED_KEYS.has(k),
  );
  if (unsupported.length) {
    throw new Error(
      `${relative(root, file)}: ${unsupported.join(
        ', ',
      )} not supported by this renderer; extend packages/testenv/src/kit/renderKustomization.ts first`,
    );
  }
  const resources = kustomization.resources ?? [];
  if (
    !Array.isArray(resources) ||
    !resources.every(r => typeof r === 'string')
  ) {
    throw new Error(
      `${relative(root, file)}: resources must be a list of paths`,
    );
  }
  return resources.flatMap(entry => {
    const path = resolve(dir, entry);
    if (!existsSync(path)) {
      throw new Error(
        `${relative(root, file)}: resource ${entry} does not exist`,
      );
    }
    if (statSync(path).isDirectory()) {
      return renderDir(path, root, [...stack, dir]);
    }
    // kustomize's default load restrictor: a file must sit in or below its kustomization's
    // folder; only other kustomization folders may be referenced from outside.
    if (relative(dir, path).startsWith('..')) {
      throw new Error(
        `${relative(
          root,
          file,
        )}: ${entry} is outside the kustomization's folder; kustomize refuses it (reference its folder's kustomization instead)`,
      );
    }
    return parseManifests(readFileSync(path, 'utf8')).map(object => ({
      object,
      source: relative(root, path),
    }));
  });
}
