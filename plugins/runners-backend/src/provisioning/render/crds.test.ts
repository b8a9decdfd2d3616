import { join } from 'node:path';
import { renderPool } from './renderPool';
import { findCrdDir, loadCrdSchema, schemaErrors } from './schemaCheck';
import { exampleFlavor, exampleRenderInput, withAutoscaling } from './testing';
import { KubeObject } from './types';

const crdDir = findCrdDir();

/** CRD file of each custom kind we render, keyed by apiVersion and kind. */
const CRD_FILES: Record<string, string> = {
  'kubevirt.io/v1 VirtualMachineInstanceReplicaSet':
    'kubevirt.io_virtualmachineinstancereplicasets.yaml',
  'pool.kubevirt.io/v1beta1 VirtualMachinePool':
    'pool.kubevirt.io_virtualmachinepools.yaml',
  'pool.kubevirt.io/v1alpha1 VirtualMachinePool':
    'pool.kubevirt.io_virtualmachinepools.yaml',
  'keda.sh/v1alpha1 ScaledObject': 'keda.sh_scaledobjects.yaml',
  'keda.sh/v1alpha1 TriggerAuthentication':
    'keda.sh_triggerauthentications.yaml',
};

function errorsOf(object: KubeObject): string[] {
  const file = CRD_FILES[`${object.apiVersion} ${object.kind}`];
  const version = object.apiVersion.split('/')[1];
  const schema = loadCrdSchema(join(crdDir ?? '', file), version);
  // The API server validates an object's own metadata as ObjectMeta, not through the CRD.
  const { metadata: _object, ...rest } = object;
  const { metadata: _schema, ...properties } = schema.properties ?? {};
  return schemaErrors(rest, { ...schema, properties });
}

/** API groups Kubernetes itself serves (validated by the API server, not through a CRD). */
const BUILT_IN = new Set([
  'v1',
  'rbac.authorization.k8s.io',
  'networking.k8s.io',
]);

function customObjects(objects: KubeObject[]): KubeObject[] {
  return objects.filter(
    o =>
      !BUILT_IN.has(o.apiVersion === 'v1' ? 'v1' : o.apiVersion.split('/')[0]),
  );
}

// The upstream CRDs sit in the repository's sibling shared/ folder (a work tree and CI have it).
// In CI (shared/ beside the clone) a missing reference fails instead of skipping.
(crdDir || process.env.CI ? describe : describe.skip)(
  'rendered custom resources against the upstream CRD schemas',
  () => {
    const renderings: [string, KubeObject[]][] = [
      ['linux primary', renderPool(exampleRenderInput())],
      [
        'linux burst',
        renderPool(
          withAutoscaling(
            {
              ...exampleRenderInput(),
              cluster: { name: 'cloud', role: 'burst' },
            },
            { burst: true, minReplicas: 0, scaleToZero: true },
          ),
        ),
      ],
      [
        'windows',
        renderPool(exampleRenderInput({ flavor: exampleFlavor('win.xlarge') })),
      ],
      [
        'windows, EFI with secure boot and a TPM',
        renderPool(
          exampleRenderInput({
            flavor: exampleFlavor('win.xlarge'),
            firmware: { type: 'efi', secureBoot: true, tpm: true },
          }),
        ),
      ],
      [
        'windows on a cluster serving only v1alpha1 pools',
        renderPool(
          exampleRenderInput({
            flavor: exampleFlavor('win.xlarge'),
            cluster: {
              name: 'kv-primary',
              role: 'primary',
              vmPoolVersion: 'v1alpha1',
            },
          }),
        ),
      ],
    ];

    it.each(renderings)('%s: every field is known and valid', (_, objects) => {
      const custom = customObjects(objects);
      expect(custom.length).toBeGreaterThanOrEqual(3);
      for (const object of custom) {
        expect({ object: object.kind, errors: errorsOf(object) }).toEqual({
          object: object.kind,
          errors: [],
        });
      }
    });

    it('catches a misplaced firmware field, so the EFI pass means something', () => {
      const [vmpool] = renderPool(
        exampleRenderInput({
          flavor: exampleFlavor('win.xlarge'),
          firmware: { type: 'efi', secureBoot: true, tpm: true },
        }),
      ).filter(o => o.kind === 'VirtualMachinePool');
      const broken = JSON.parse(
        JSON.stringify(vmpool).replace(
          '"secureBoot":true',
          '"secureboot":true',
        ),
      );
      expect(errorsOf(broken)).toEqual([
        '.spec.virtualMachineTemplate.spec.template.spec.domain.firmware.bootloader.efi.secureboot: unknown field',
      ]);
    });

    it('catches a misspelt field, so a pass means something', () => {
      const [vmirs] = renderPool(exampleRenderInput()).filter(
        o => o.kind === 'VirtualMachineInstanceReplicaSet',
      );
      const broken = {
        ...vmirs,
        spec: { ...(vmirs.spec as object), replica: 2 },
      };
      expect(errorsOf(broken)).toEqual(['.spec.replica: unknown field']);
    });
  },
);
