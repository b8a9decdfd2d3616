import { CustomObjectsApi } from '@kubernetes/client-node';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { findRepoRoot, resolveBinaries } from './binaries';
import { useTestCluster } from './jest';
import { jsonDiff } from './__testUtils__/jsonDiff';
import { KNOWN_CRD_DIFFERENCES } from './__testUtils__/knownCrdDifferences';

interface Crd {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    group: string;
    scope: string;
    names: Record<string, unknown> & { kind: string };
    conversion?: unknown;
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      subresources?: unknown;
      additionalPrinterColumns?: unknown;
      schema: { openAPIV3Schema: unknown };
    }>;
  };
}

const readCrd = (file: string) => parse(readFileSync(file, 'utf8')) as Crd;

/** What the API server defaults in a CRD it stores. */
function withServerDefaults(crd: Crd): Crd {
  return {
    ...crd,
    spec: {
      conversion: { strategy: 'None' },
      ...crd.spec,
      names: { listKind: `${crd.spec.names.kind}List`, ...crd.spec.names },
    },
  };
}

/** Everything but the schemas. */
function shape(crd: Crd) {
  const { group, scope, names } = crd.spec;
  const versions = crd.spec.versions.map(v => ({
    name: v.name,
    served: v.served,
    storage: v.storage,
    subresources: v.subresources,
    additionalPrinterColumns: v.additionalPrinterColumns,
  }));
  return { name: crd.metadata.name, group, scope, names, versions };
}

function schemaDiff(actual: Crd, expected: Crd): string[] {
  return actual.spec.versions.flatMap(version => {
    const other = expected.spec.versions.find(v => v.name === version.name);
    return jsonDiff(
      version.schema,
      other?.schema,
      `versions[${version.name}].schema`,
    );
  });
}

const REFERENCE_DIR =
  process.env.RUNNER_FLEET_REFERENCE_CRDS ??
  join(findRepoRoot() ?? '.', '..', 'shared', 'reference', 'crds');

describe('installed CRDs', () => {
  const cluster = useTestCluster();
  let crdsDir = '';
  let files: string[] = [];
  const served = async (name: string): Promise<Crd> =>
    (await cluster
      .kubeConfig()
      .makeApiClient(CustomObjectsApi)
      .getClusterCustomObject({
        group: 'apiextensions.k8s.io',
        version: 'v1',
        plural: 'customresourcedefinitions',
        name,
      })) as Crd;

  beforeAll(async () => {
    crdsDir = (await resolveBinaries({ log: () => {} })).crdsDir;
    files = readdirSync(crdsDir)
      .filter(f => f.endsWith('.yaml'))
      .sort();
  });

  it('are the 9 upstream CRDs, each stored by the API server as installed', async () => {
    expect(files).toEqual(
      [
        'cdi.kubevirt.io_datasources.yaml',
        'cdi.kubevirt.io_datavolumes.yaml',
        'keda.sh_clustertriggerauthentications.yaml',
        'keda.sh_scaledobjects.yaml',
        'keda.sh_triggerauthentications.yaml',
        'kubevirt.io_virtualmachineinstancereplicasets.yaml',
        'kubevirt.io_virtualmachineinstances.yaml',
        'pool.kubevirt.io_virtualmachinepools.yaml',
        'kubevirt.io_virtualmachines.yaml',
      ].sort(),
    );
    for (const file of files) {
      const installed = withServerDefaults(readCrd(join(crdsDir, file)));
      const stored = await served(installed.metadata.name);
      expect({
        file,
        diff: jsonDiff(stored.spec, installed.spec, 'spec'),
      }).toEqual({
        file,
        diff: [],
      });
    }
  });

  const hasReference = existsSync(REFERENCE_DIR);
  const referenceFiles = hasReference
    ? readdirSync(REFERENCE_DIR)
        .filter(f => f.endsWith('.yaml'))
        .sort()
    : [];
  // A clean clone in CI has shared/ beside it: there a missing reference fails (the first test
  // compares file lists) instead of skipping the comparison.
  (hasReference || process.env.CI ? describe : describe.skip)(
    `compared with ${REFERENCE_DIR}`,
    () => {
      it('the reference has the same files', () => {
        expect(referenceFiles).toEqual(files);
      });

      it.each(referenceFiles)(
        '%s: same names, kinds, versions, served/storage, subresources, printer columns',
        async file => {
          const reference = withServerDefaults(
            readCrd(join(REFERENCE_DIR, file)),
          );
          const stored = await served(reference.metadata.name);
          expect(shape(stored)).toEqual(shape(reference));
        },
      );

      it.each(
        referenceFiles.map(file => [
          file,
          KNOWN_CRD_DIFFERENCES[file]?.reason ?? 'none',
        ]),
      )('%s: only known schema differences (known: %s)', async file => {
        const known = KNOWN_CRD_DIFFERENCES[file];
        const reference = readCrd(join(REFERENCE_DIR, file));
        const stored = await served(reference.metadata.name);
        const unexpected = schemaDiff(stored, reference).filter(
          diff => !known?.schema(diff),
        );
        const annotations = jsonDiff(
          stored.metadata.annotations ?? {},
          reference.metadata.annotations ?? {},
        ).filter(diff => !known?.annotations?.some(a => diff === `~.${a}`));
        expect({ unexpected, annotations }).toEqual({
          unexpected: [],
          annotations: [],
        });
      });
    },
  );
});
