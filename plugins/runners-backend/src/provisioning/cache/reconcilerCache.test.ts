import { mockServices } from '@backstage/backend-test-utils';
import { LABELS, MANAGER } from '@runner-fleet/plugin-runners-common';
import { insertTestPool } from '../../__testUtils__/stack';
import { useReconcilerTestbed } from '../__testUtils__/reconcilerTestbed';
import { KubernetesClusterClient } from '../ClusterClient';
import { Reconciler } from '../Reconciler';
import { poolObjectNames, renderedKindOf, teamNamespace } from '../render';
import { CachedClusterClient } from './CachedClusterClient';
import { ClusterWatches, VMI_KIND } from './ReconcilerCache';
import { DATA_HASHES, trimSecret, trimVmi } from './trim';
import { TrimmedWatch } from './TrimmedWatch';

const { cluster, setup } = useReconcilerTestbed();

const SECRET = renderedKindOf('v1', 'Secret');
/** Reads of an idle pass over one Linux pool without the cache: 4 lists, 4 Secrets by name, 3 team objects, the token, the workload. */
const DIRECT_READS_PER_IDLE_POOL = 13;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Passes over every pool until a whole round writes nothing (the cache has caught up). */
async function settle(
  reconcile: (id: string) => Promise<unknown>,
  ids: string[],
  client: { writes: string[] },
) {
  for (let round = 0; round < 10; round++) {
    const before = client.writes.length;
    for (const id of ids) await reconcile(id);
    if (client.writes.length === before) return;
    await sleep(200);
  }
  throw new Error('the pools never settled');
}

function admin() {
  return KubernetesClusterClient.create({
    name: 'admin',
    role: 'primary',
    kubeConfig: cluster.kubeConfig('admin'),
  });
}

describe('reconciler reads from the watch cache (real kube-apiserver)', () => {
  it('makes no Kubernetes read or write in an idle pass over 3 pools; direct reads make 13 per pool', async () => {
    const { store, config, client, ci, reconciler } = await setup(undefined, {
      cached: true,
    });
    const pools = await Promise.all(
      [0, 1, 2].map(() => insertTestPool(store, config)),
    );
    const ids = pools.map(p => p.id);
    await settle(id => reconciler.reconcile(id), ids, client);
    // The first idle pass reads each runner token once (the cache holds no values).
    for (const id of ids) await reconciler.reconcile(id);

    const reads = client.reads.length;
    const writes = client.writes.length;
    for (const id of ids) await reconciler.reconcile(id);
    expect(client.reads.slice(reads)).toEqual([]);
    expect(client.writes.slice(writes)).toEqual([]);

    // The same idle pass reading the API server directly (as before the cache).
    const direct = Reconciler.create({
      store,
      ci,
      clusters: [client],
      config,
      logger: mockServices.logger.mock(),
    });
    const directReads = client.reads.length;
    for (const id of ids) await direct.reconcile(id);
    expect(client.writes.slice(writes)).toEqual([]);
    expect((client.reads.length - directReads) / ids.length).toBe(
      DIRECT_READS_PER_IDLE_POOL,
    );
  });

  it('repairs a Secret whose data was edited in place (labels unchanged)', async () => {
    const { store, config, client, reconciler } = await setup(undefined, {
      cached: true,
    });
    const pool = await insertTestPool(store, config);
    await settle(id => reconciler.reconcile(id), [pool.id], client);
    const ref = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        namespace: teamNamespace(pool.team),
        name: poolObjectNames(pool.name).metricsAuthSecret,
      },
    };
    const original = (await admin().get(ref))!.data as Record<string, string>;
    await admin().mergePatch(
      ref,
      { data: { token: Buffer.from('tampered').toString('base64') } },
      'someone-else',
    );
    // Wait for the watch to see the edit, then pass over the pool.
    for (let i = 0; i < 50; i++) {
      await sleep(100);
      const writes = client.writes.length;
      await reconciler.reconcile(pool.id);
      if (client.writes.length > writes) break;
    }
    expect(client.writes).toContain(`apply Secret/${ref.metadata.name}`);
    expect((await admin().get(ref))!.data).toEqual(original);
  });

  it('reads the API server while the cache has not listed yet', async () => {
    const { store, config, client } = await setup();
    const pool = await insertTestPool(store, config);
    const unsynced = new CachedClusterClient(
      client,
      new ClusterWatches(
        {
          name: 'local',
          kubeConfig: cluster.kubeConfig('runner-fleet-backend'),
        },
        mockServices.logger.mock(),
      ),
    );
    const before = client.reads.length;
    const found = await unsynced.list(SECRET, { [LABELS.pool]: pool.id });
    expect(found).toEqual([]);
    expect(client.reads.slice(before)).toEqual(['list Secret']);
  });
});

describe('TrimmedWatch', () => {
  it('lists in pages of `limit` and keeps no Secret value', async () => {
    const kc = cluster.kubeConfig('admin');
    const writer = admin();
    const label = `page-${Date.now()}`;
    for (let i = 0; i < 5; i++) {
      await writer.apply({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: `paged-${i}`,
          namespace: cluster.namespace,
          labels: { [LABELS.managedBy]: MANAGER, 'test-page': label },
        },
        data: { key: Buffer.from(`value-${i}`).toString('base64') },
      });
    }
    const watch = new TrimmedWatch({
      kubeConfig: kc,
      kind: SECRET,
      labelSelector: `test-page=${label}`,
      trim: trimSecret,
      limit: 2,
    });
    await watch.start();
    try {
      const objects = [...watch.values()];
      expect(objects).toHaveLength(5);
      expect(watch.stats.listRequests).toBe(3);
      for (const o of objects) {
        expect(o.data).toBeUndefined();
        expect(JSON.stringify(o)).not.toContain('dmFsdWUt'); // base64 of "value-"
        expect(Object.keys(o[DATA_HASHES] as object)).toEqual(['key']);
      }
      // A new object arrives through the watch.
      await writer.apply({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'paged-5',
          namespace: cluster.namespace,
          labels: { [LABELS.managedBy]: MANAGER, 'test-page': label },
        },
        data: { key: Buffer.from('value-5').toString('base64') },
      });
      for (let i = 0; i < 50 && !watch.get(cluster.namespace, 'paged-5'); i++)
        await sleep(100);
      expect(watch.get(cluster.namespace, 'paged-5')).toBeDefined();
    } finally {
      await watch.stop();
    }
  });

  it('lists every page of a custom resource too (its list metadata is not deserialised)', async () => {
    const writer = admin();
    const label = `crd-page-${Date.now()}`;
    for (let i = 0; i < 5; i++) {
      await writer.apply({
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachineInstance',
        metadata: {
          name: `paged-vmi-${i}`,
          namespace: cluster.namespace,
          labels: { [LABELS.pool]: 'p-paged', 'test-page': label },
        },
        spec: { domain: { devices: {} } },
      });
    }
    const watch = new TrimmedWatch({
      kubeConfig: cluster.kubeConfig('admin'),
      kind: VMI_KIND,
      labelSelector: `test-page=${label}`,
      trim: trimVmi,
      limit: 2,
    });
    await watch.start();
    try {
      expect([...watch.values()]).toHaveLength(5);
      expect(watch.stats.listRequests).toBe(3);
    } finally {
      await watch.stop();
    }
  });
});
