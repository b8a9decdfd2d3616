import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';

/** The namespace golden images live in, as the k8s kit and the local stack set it up. */
export const IMAGES_NAMESPACE = 'runner-fleet-images';

/** The golden image's source PVC, as an import leaves it. */
export async function createGoldenImagePvc(admin: KubeConfig, pvc: string) {
  await admin.makeApiClient(CoreV1Api).createNamespacedPersistentVolumeClaim({
    namespace: IMAGES_NAMESPACE,
    body: {
      metadata: { name: pvc },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '60Gi' } },
      },
    },
  });
}

/** The golden image's DataSource over `pvc` (Ready only once the PVC exists). */
export async function createGoldenImageDataSource(
  admin: KubeConfig,
  name: string,
  pvc: string,
) {
  await admin.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: 'cdi.kubevirt.io',
    version: 'v1beta1',
    plural: 'datasources',
    namespace: IMAGES_NAMESPACE,
    body: {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataSource',
      metadata: { name },
      spec: { source: { pvc: { namespace: IMAGES_NAMESPACE, name: pvc } } },
    },
  });
}

/**
 * A golden image for `team`'s tests: PVC `golden-<team>` and DataSource `windows-golden-<team>`.
 * Returns the flavor image reference (`<namespace>/<DataSource>`).
 */
export async function createGoldenImage(
  admin: KubeConfig,
  team: string,
): Promise<string> {
  await createGoldenImagePvc(admin, `golden-${team}`);
  await createGoldenImageDataSource(
    admin,
    `windows-golden-${team}`,
    `golden-${team}`,
  );
  return `${IMAGES_NAMESPACE}/windows-golden-${team}`;
}

/** Publishes a new version of the golden image: PVC `pvc`, and the DataSource moved to it. */
export async function moveGoldenImage(
  admin: KubeConfig,
  dataSource: string,
  pvc: string,
) {
  await createGoldenImagePvc(admin, pvc);
  await admin.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
    {
      group: 'cdi.kubevirt.io',
      version: 'v1beta1',
      plural: 'datasources',
      namespace: IMAGES_NAMESPACE,
      name: dataSource,
      body: {
        spec: { source: { pvc: { namespace: IMAGES_NAMESPACE, name: pvc } } },
      },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

/** The PVC names the DataVolumes in `namespace` clone, sorted. */
export async function clonedPvcs(
  admin: KubeConfig,
  namespace: string,
): Promise<string[]> {
  const { items } = (await admin
    .makeApiClient(CustomObjectsApi)
    .listNamespacedCustomObject({
      group: 'cdi.kubevirt.io',
      version: 'v1beta1',
      plural: 'datavolumes',
      namespace,
    })) as { items: Array<{ spec: { source?: { pvc?: { name: string } } } }> };
  return items.map(dv => dv.spec.source?.pvc?.name ?? '').sort();
}
