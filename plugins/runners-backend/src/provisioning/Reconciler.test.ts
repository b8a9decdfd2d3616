import { mockServices } from '@backstage/backend-test-utils';
import { LABELS, MANAGER } from '@runner-fleet/plugin-runners-common';
import { CiPoller } from '../fleet/CiPoller';
import { changePool, insertTestPool } from '../__testUtils__/stack';
import { KubernetesClusterClient } from './ClusterClient';
import { Reconciler, ReconcileStep } from './Reconciler';
import { useReconcilerTestbed } from './__testUtils__/reconcilerTestbed';
import { KubeObject } from './render';

const { cluster, emulator, setup, poolObjects, fleetRunners } =
  useReconcilerTestbed();

describe('Reconciler against the real control plane and the GitLab emulator', () => {
  it('provisions a Linux pool the upstream CRDs accept, with a working runner token', async () => {
    const { store, config, reconciler } = await setup();
    const pool = await insertTestPool(store, config);
    const result = await reconciler.reconcile(pool.id);
    expect(result).toMatchObject({ state: 'provisioning', deleted: 0 });

    const objects = await poolObjects(pool.id);
    expect(objects.map(o => o.kind).sort()).toEqual([
      'ScaledObject',
      'Secret',
      'Secret',
      'Secret',
      'TriggerAuthentication',
      'VirtualMachineInstanceReplicaSet',
    ]);
    for (const o of objects)
      expect(o.metadata.labels?.[LABELS.managedBy]).toBe(MANAGER);
    const vmirs = objects.find(
      o => o.kind === 'VirtualMachineInstanceReplicaSet',
    )!;
    expect(
      (
        vmirs.spec as {
          template: { spec: { domain: { cpu: { cores: number } } } };
        }
      ).template.spec.domain.cpu.cores,
    ).toBe(4);

    const stored = await store.getPool(pool.id);
    const runners = await fleetRunners(pool.id);
    expect(runners).toHaveLength(1);
    expect(stored!.gitlabRunnerId).toBe(runners[0].id);
    expect([...runners[0].tagList].sort()).toEqual(['docker', 'linux']);

    // The token in the token Secret is the runner's real token: GitLab accepts it.
    const secret = objects.find(
      o => o.metadata.name === 'rf-builds-token',
    ) as KubeObject & { data: { token: string } };
    const token = Buffer.from(secret.data.token, 'base64').toString();
    const verify = await fetch(`${emulator.url}/api/v4/runners/verify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(verify.status).toBe(200);
  });

  it('writes nothing when an unchanged pool is reconciled again', async () => {
    const { store, client, config, reconciler } = await setup();
    const pool = await insertTestPool(store, config);
    await reconciler.reconcile(pool.id);
    const before = client.writes.length;
    expect(before).toBeGreaterThan(0);
    const second = await reconciler.reconcile(pool.id);
    expect(second).toMatchObject({ applied: 0, deleted: 0 });
    expect(client.writes.slice(before)).toEqual([]);
  });

  it('makes no GitLab call and no Kubernetes write in an idle pass', async () => {
    const { store, client, ci, config, reconciler } = await setup();
    const pool = await insertTestPool(store, config);
    await reconciler.reconcile(pool.id);
    const writes = client.writes.length;
    const requests = ci.budget.requestsMade;
    for (let i = 0; i < 3; i++) await reconciler.reconcile(pool.id);
    expect(client.writes.slice(writes)).toEqual([]);
    expect(ci.budget.requestsMade - requests).toBe(0);
  });

  it("registers a new runner once the CI poller saw the pool's runner deleted in GitLab", async () => {
    const { store, ci, config } = await setup();
    const poller = CiPoller.create({ ci, logger: mockServices.logger.mock() });
    const reconciler = Reconciler.create({
      store,
      ci,
      clusters: [
        KubernetesClusterClient.create({
          name: 'local',
          role: 'primary',
          kubeConfig: cluster.kubeConfig('runner-fleet-backend'),
        }),
      ],
      config,
      logger: mockServices.logger.mock(),
      runnerState: pool => poller.runnerState(pool),
    });
    const pool = await insertTestPool(store, config);
    await reconciler.reconcile(pool.id);
    const first = (await store.getPool(pool.id))!;
    await ci.deleteRunner(first.gitlabRunnerId!);
    // Until the poller has seen it gone, an idle pass trusts what it recorded.
    await reconciler.reconcile(pool.id);
    expect((await store.getPool(pool.id))!.gitlabRunnerId).toBe(
      first.gitlabRunnerId,
    );
    await poller.poll([first]);
    await reconciler.reconcile(pool.id);
    const runners = await fleetRunners(pool.id);
    expect(runners).toHaveLength(1);
    expect(runners[0].id).not.toBe(first.gitlabRunnerId);
    expect((await store.getPool(pool.id))!.gitlabRunnerId).toBe(runners[0].id);
  });

  it('rolls a flavor change into new objects with a new template hash', async () => {
    const { store, config, reconciler } = await setup();
    const pool = await insertTestPool(store, config);
    await reconciler.reconcile(pool.id);
    const hashOf = async () =>
      (await poolObjects(pool.id)).find(
        o => o.kind === 'VirtualMachineInstanceReplicaSet',
      )!;
    const before = await hashOf();
    const xlarge = config.catalog.flavors.find(f => f.name === 'm1.xlarge')!;
    await changePool(store, pool.id, {
      spec: { ...pool.spec, flavor: 'm1.xlarge' },
      flavor: xlarge,
      bumpGeneration: true,
    });
    await reconciler.reconcile(pool.id);
    const after = await hashOf();
    expect(after.metadata.labels?.[LABELS.templateHash]).not.toBe(
      before.metadata.labels?.[LABELS.templateHash],
    );
    expect(
      (
        after.spec as {
          template: { spec: { domain: { cpu: { cores: number } } } };
        }
      ).template.spec.domain.cpu.cores,
    ).toBe(8);
    expect(await store.getPool(pool.id)).toMatchObject({
      observedGeneration: 2,
    });
  });

  it('pushes a tag or run-untagged change to GitLab, and only then', async () => {
    const { store, config, reconciler } = await setup();
    const pool = await insertTestPool(store, config);
    await reconciler.reconcile(pool.id);
    const spec = {
      ...pool.spec,
      gitlab: { ...pool.spec.gitlab, tags: ['docker'], runUntagged: true },
    };
    await changePool(store, pool.id, { spec, bumpGeneration: true });
    await reconciler.reconcile(pool.id);
    const [runner] = await fleetRunners(pool.id);
    expect(runner).toMatchObject({ tagList: ['docker'], runUntagged: true });
  });

  it('tears a pool down: no objects, no GitLab runner', async () => {
    const { store, config, reconciler } = await setup();
    const pool = await insertTestPool(store, config);
    await reconciler.reconcile(pool.id);
    await changePool(
      store,
      pool.id,
      {},
      {
        state: 'deleting',
        reason: 'test',
        code: 'Draining',
      },
    );
    await reconciler.reconcile(pool.id);
    expect(await poolObjects(pool.id)).toEqual([]);
    expect(await fleetRunners(pool.id)).toEqual([]);
    expect(await store.getPool(pool.id)).toMatchObject({ state: 'deleted' });
  });

  const crashPoints: ReconcileStep[] = [
    'runner-created',
    'runner-recorded',
    'token-stored',
    'object-applied',
  ];
  it.each(crashPoints)(
    'converges after a crash right after %s: one runner, complete objects',
    async step => {
      const { store, config, restart, crashingAfter } = await setup();
      const crashing = crashingAfter(step);
      const pool = await insertTestPool(store, config);
      await expect(crashing.reconcile(pool.id)).rejects.toThrow(
        `crash after ${step}`,
      );
      await restart().reconcile(pool.id);
      const runners = await fleetRunners(pool.id);
      expect(runners).toHaveLength(1);
      expect((await store.getPool(pool.id))!.gitlabRunnerId).toBe(
        runners[0].id,
      );
      expect(await poolObjects(pool.id)).toHaveLength(6);
    },
  );

  it.each<ReconcileStep>(['objects-deleted', 'runner-deleted'])(
    'finishes a teardown that crashed after %s',
    async step => {
      const { store, config, restart, crashingAfter } = await setup();
      const pool = await insertTestPool(store, config);
      await restart().reconcile(pool.id);
      await changePool(
        store,
        pool.id,
        {},
        { state: 'deleting', reason: 'test', code: 'Draining' },
      );
      const crashing = crashingAfter(step);
      await expect(crashing.reconcile(pool.id)).rejects.toThrow();
      await restart().reconcile(pool.id);
      expect(await poolObjects(pool.id)).toEqual([]);
      expect(await fleetRunners(pool.id)).toEqual([]);
      expect(await store.getPool(pool.id)).toMatchObject({ state: 'deleted' });
    },
  );
});
