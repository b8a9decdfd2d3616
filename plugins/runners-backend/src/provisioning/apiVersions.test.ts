import { mockServices } from '@backstage/backend-test-utils';
import {
  CustomObjectsApi,
  V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { LABELS } from '@runner-fleet/plugin-runners-common';
import {
  ControlPlane,
  createNamespace,
  startControlPlane,
} from '@runner-fleet/testenv';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { GitLabCiProvider } from '../ci';
import { FleetCache } from '../fleet/FleetCache';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  eventually,
  insertTestPool,
  testRunnersConfig,
  testStore,
  useGitLabEmulator,
} from '../__testUtils__/stack';
import { checkServedApis, kubeDiscovery, ServedApiCheck } from './apiVersions';
import { KubernetesClusterClient } from './ClusterClient';
import { Reconciler } from './Reconciler';
import { teamNamespace } from './render';
import { findCrdDir } from './render/schemaCheck';

const POOL_CRD = 'pool.kubevirt.io_virtualmachinepools.yaml';
/** Fields KubeVirt 1.5's `pool.kubevirt.io/v1alpha1` VirtualMachinePoolSpec does not have. */
const NOT_IN_KUBEVIRT_1_5 = [
  'scaleInStrategy',
  'updateStrategy',
  'autohealing',
  'maxUnavailable',
];

/**
 * The upstream VirtualMachinePool CRD as KubeVirt 1.5 installs it: only `v1alpha1`, whose spec
 * has replicas, selector, virtualMachineTemplate, paused and nameGeneration
 * (staging/src/kubevirt.io/api/pool/v1alpha1/types.go at v1.5.0).
 */
function kubevirt15PoolCrd(crdDir: string): V1CustomResourceDefinition {
  const crd = parseYaml(
    readFileSync(join(crdDir, POOL_CRD), 'utf8'),
  ) as V1CustomResourceDefinition;
  const v1alpha1 = crd.spec.versions.find(v => v.name === 'v1alpha1')!;
  const spec = v1alpha1.schema!.openAPIV3Schema!.properties!.spec;
  for (const field of NOT_IN_KUBEVIRT_1_5) delete spec.properties![field];
  crd.spec.versions = [{ ...v1alpha1, storage: true, deprecated: undefined }];
  return crd;
}

/**
 * Creates a CRD as the admin with the JSON as it is: the typed client's serializer would drop
 * `x-kubernetes-int-or-string`, which the API server then rejects.
 */
function createCrd(plane: ControlPlane, crd: V1CustomResourceDefinition) {
  const url = new URL(
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    plane.server,
  );
  return new Promise<void>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        ca: Buffer.from(plane.caData, 'base64'),
        headers: {
          Authorization: `Bearer ${plane.tokens.admin}`,
          'Content-Type': 'application/json',
        },
      },
      res => {
        let body = '';
        res.on('data', chunk => (body += chunk));
        res.on('end', () =>
          res.statusCode === 201
            ? resolve()
            : reject(new Error(`HTTP ${res.statusCode}: ${body}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(crd));
  });
}

const shared = useTestCluster();
const crdDir = findCrdDir();
const databases = createTestDatabases();
const emulator = useGitLabEmulator();

describe('served API check', () => {
  it('finds everything runner-fleet needs on a cluster with the upstream CRDs, as the backend', async () => {
    const result = await checkServedApis(
      kubeDiscovery(shared.kubeConfig('runner-fleet-backend')),
    );
    expect(result.missing).toEqual([]);
    expect(result.vmPoolVersion).toBe('v1beta1');
    expect(result.served['pool.kubevirt.io']).toEqual(
      expect.arrayContaining(['v1beta1', 'v1alpha1']),
    );
    expect(Object.keys(result.served).sort()).toEqual([
      'cdi.kubevirt.io',
      'keda.sh',
      'kubevirt.io',
      'pool.kubevirt.io',
    ]);
  });
});

// A control plane of its own: the shared one must keep serving v1beta1 pools to other tests.
// In CI (shared/ beside the clone) a missing reference fails instead of skipping.
(crdDir || process.env.CI ? describe : describe.skip)(
  'a cluster without pool.kubevirt.io/v1beta1',
  () => {
    let plane: ControlPlane;

    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'runner-fleet-crds-'));
      for (const file of readdirSync(crdDir!)) {
        if (file.endsWith('.yaml') && file !== POOL_CRD) {
          copyFileSync(join(crdDir!, file), join(dir, file));
        }
      }
      plane = await startControlPlane({ crdsDir: dir });
    }, 120_000);
    afterAll(async () => {
      await plane?.stop();
    });

    // Creating a CRD and its first writes take seconds on a busy machine.
    jest.setTimeout(60_000);

    async function setup() {
      const config = testRunnersConfig(emulator.url);
      const store = await testStore(databases);
      const logger = mockServices.logger.mock();
      const kubeConfig = plane.kubeConfig('runner-fleet-backend');
      const apis = ServedApiCheck.create({
        name: 'old',
        role: 'primary',
        discovery: kubeDiscovery(kubeConfig),
        logger,
      });
      const client = KubernetesClusterClient.create({
        name: 'old',
        role: 'primary',
        kubeConfig,
        apis,
      });
      const reconciler = Reconciler.create({
        store,
        ci: GitLabCiProvider.create({ settings: config.gitlab!, logger }),
        clusters: [client],
        config,
        logger,
      });
      return { config, store, apis, reconciler, logger, kubeConfig };
    }

    it('reports VirtualMachinePool missing and fails Windows pools with a reason that says what to install', async () => {
      const { config, store, apis, reconciler, logger } = await setup();
      const report = await apis.refresh();
      expect(report.error).toBeUndefined();
      expect(report.missing).toEqual([
        {
          apiVersion: 'pool.kubevirt.io/v1beta1 or pool.kubevirt.io/v1alpha1',
          kind: 'VirtualMachinePool',
          neededBy: 'windows',
          install: expect.stringContaining('KubeVirt 1.7 or later'),
        },
      ]);
      expect(report.served['pool.kubevirt.io']).toBeUndefined();
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          "cluster 'old' lacks APIs runner-fleet needs: VirtualMachinePool",
        ),
      );

      const windows = await insertTestPool(store, config, {
        flavor: 'win.xlarge',
      });
      await expect(reconciler.reconcile(windows.id)).rejects.toThrow(
        /does not serve what windows pool .* needs: VirtualMachinePool/,
      );
      expect((await store.getPool(windows.id))!.stateCode).toBe(
        'MissingClusterApi',
      );
      expect((await store.getPool(windows.id))!.stateReason).toMatch(
        /cluster 'old' does not serve what windows pool .* needs: VirtualMachinePool \(pool\.kubevirt\.io\/v1beta1 or pool\.kubevirt\.io\/v1alpha1; install KubeVirt 1\.7 or later/,
      );

      // Linux pools need no VirtualMachinePool: they provision on the same cluster.
      const linux = await insertTestPool(store, config);
      await expect(reconciler.reconcile(linux.id)).resolves.toMatchObject({
        state: 'provisioning',
      });
    });

    it('renders, reads and watches Windows pools in v1alpha1 where only that is served (KubeVirt 1.5 schema)', async () => {
      const admin = plane.kubeConfig('admin');
      const crd = kubevirt15PoolCrd(crdDir!);
      await createCrd(plane, crd);
      const { config, store, apis, reconciler, kubeConfig } = await setup();
      const report = await eventually(
        'v1alpha1 pools in discovery',
        () => apis.refresh(),
        // Right after the CRD is created, discovery of the new group may still fail.
        r => !r.error && r.missing.length === 0,
        30_000,
      );
      expect(report.vmPoolVersion).toBe('v1alpha1');
      const custom = admin.makeApiClient(CustomObjectsApi);
      // A new CRD answers lists with 429 until its watch cache is ready.
      await eventually(
        'v1alpha1 pools listable',
        () =>
          custom
            .listClusterCustomObject({
              group: 'pool.kubevirt.io',
              version: 'v1alpha1',
              plural: 'virtualmachinepools',
            })
            .then(
              () => true,
              () => false,
            ),
        ok => ok,
        30_000,
      );
      expect((await apis.refresh()).served['pool.kubevirt.io']).toEqual([
        'v1alpha1',
      ]);

      const cache = FleetCache.create({
        clusters: [{ name: 'old', kubeConfig, apis }],
        logger: mockServices.logger.mock(),
      });
      await cache.start();
      try {
        const pool = await insertTestPool(store, config, {
          flavor: 'win.xlarge',
        });
        const result = await reconciler.reconcile(pool.id);
        expect(result).toMatchObject({ state: 'provisioning' });
        const stored = (await custom.getNamespacedCustomObject({
          group: 'pool.kubevirt.io',
          version: 'v1alpha1',
          namespace: teamNamespace(pool.team),
          plural: 'virtualmachinepools',
          name: 'rf-builds',
        })) as { spec: Record<string, unknown>; metadata: { labels: object } };
        expect(stored.metadata.labels).toMatchObject({
          [LABELS.pool]: pool.id,
        });
        expect(stored.spec.scaleInStrategy).toBeUndefined();
        // A second pass reads the workload back in v1alpha1 and writes nothing.
        await expect(reconciler.reconcile(pool.id)).resolves.toMatchObject({
          applied: 0,
          deleted: 0,
        });
        await eventually(
          'the watched v1alpha1 pool',
          () => cache.poolObjects('old', pool.id).vmPools.length,
          n => n === 1,
        );

        // The v1beta1 shape is what 1.5 cannot take: proof that the check above means something.
        await createNamespace(admin, 'shape-check');
        await expect(
          custom.createNamespacedCustomObject({
            group: 'pool.kubevirt.io',
            version: 'v1alpha1',
            namespace: 'shape-check',
            plural: 'virtualmachinepools',
            fieldValidation: 'Strict',
            body: {
              apiVersion: 'pool.kubevirt.io/v1alpha1',
              kind: 'VirtualMachinePool',
              metadata: { name: 'v1beta1-shaped' },
              spec: {
                ...stored.spec,
                scaleInStrategy: {
                  proactive: {
                    selectionPolicy: { sortPolicy: 'DescendingOrder' },
                  },
                },
              },
            },
          }),
        ).rejects.toThrow(/unknown field .*spec\.scaleInStrategy/);
      } finally {
        await cache.stop();
      }
    });
  },
);
