import { mockServices } from '@backstage/backend-test-utils';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { ClusterApiHealth, LABELS } from '@runner-fleet/plugin-runners-common';
import { startControlPlane } from '@runner-fleet/testenv';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { eventually } from '../__testUtils__/stack';
import { FleetCache } from './FleetCache';

const cluster = useTestCluster();

describe('watch cache across an API server restart', () => {
  it('relists and keeps watching after the API server comes back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rf-restart-'));
    let plane = await startControlPlane({ dataDir });
    const port = Number(new URL(plane.server).port);
    const logger = mockServices.logger.mock();
    const kubeConfig = (): KubeConfig =>
      plane.kubeConfig('runner-fleet-backend');
    const cache = FleetCache.create({
      clusters: [{ name: 'local', kubeConfig: kubeConfig() }],
      logger,
    });
    await cache.start();
    // The moment to read the cluster's served APIs again (startFleet's served-API check).
    const reconnected: string[] = [];
    cache.onReconnect(name => reconnected.push(name));
    const create = async (name: string) => {
      const api = plane.kubeConfig('admin').makeApiClient(CustomObjectsApi);
      await api.createNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        plural: 'virtualmachineinstances',
        namespace: 'default',
        body: {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachineInstance',
          metadata: { name, labels: { [LABELS.pool]: 'p-restart' } },
          spec: { domain: { devices: {} } },
        },
      });
    };
    await create('before-restart');
    await eventually(
      'the fleet cache',
      () => cache.poolObjects('local', 'p-restart').vmis.length,
      n => n === 1,
    );
    await plane.stop();
    plane = await startControlPlane({ dataDir, port });
    await create('after-restart');
    await eventually(
      'the fleet cache',
      () =>
        cache
          .poolObjects('local', 'p-restart')
          .vmis.map(v => v.metadata.name)
          .sort(),
      names => names.join() === 'after-restart,before-restart',
      30_000,
    );
    expect(reconnected).toContain('local');
    await cache.stop();
    await plane.stop();
  }, 90_000);
});

describe('watch cache per served API version', () => {
  it('watches VirtualMachinePools in the version the cluster serves, and rewatches when that changes', async () => {
    const admin = cluster.kubeConfig('admin');
    const namespace = `rf-versions-${randomUUID().slice(0, 8)}`;
    await admin
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: namespace } } });
    const poolId = `p-${randomUUID()}`;
    await admin.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'pool.kubevirt.io',
      version: 'v1beta1',
      plural: 'virtualmachinepools',
      namespace,
      body: {
        apiVersion: 'pool.kubevirt.io/v1beta1',
        kind: 'VirtualMachinePool',
        metadata: { name: 'win', labels: { [LABELS.pool]: poolId } },
        spec: {
          selector: { matchLabels: { [LABELS.pool]: poolId } },
          virtualMachineTemplate: {
            metadata: { labels: { [LABELS.pool]: poolId } },
            spec: { template: { spec: { domain: { devices: {} } } } },
          },
        },
      },
    });
    const report: ClusterApiHealth = {
      name: 'local',
      role: 'primary',
      served: {},
      missing: [],
      vmPoolVersion: 'v1alpha1',
    };
    const cache = FleetCache.create({
      clusters: [
        {
          name: 'local',
          kubeConfig: cluster.kubeConfig('runner-fleet-backend'),
          apis: { report },
        },
      ],
      logger: mockServices.logger.mock(),
    });
    const pools = () =>
      cache
        .poolObjects('local', poolId)
        .vmPools.map(p => `${p.apiVersion} ${p.metadata.name}`);
    try {
      await cache.start();
      await eventually('the v1alpha1 watch', pools, p =>
        p.includes('pool.kubevirt.io/v1alpha1 win'),
      );
      // A cluster without VirtualMachinePools: nothing to watch, and the cache still syncs.
      report.missing = [
        {
          apiVersion: 'pool.kubevirt.io/v1beta1 or pool.kubevirt.io/v1alpha1',
          kind: 'VirtualMachinePool',
          neededBy: 'windows',
          install: 'KubeVirt',
        },
      ];
      await cache.rewatch('local');
      expect(pools()).toEqual([]);
      expect(cache.synced).toBe(true);
      // Upgraded to v1beta1.
      report.missing = [];
      report.vmPoolVersion = 'v1beta1';
      await cache.rewatch('local');
      await eventually('the v1beta1 watch', pools, p =>
        p.includes('pool.kubevirt.io/v1beta1 win'),
      );
    } finally {
      await cache.stop();
    }
  });
});
