/*
 * Golden image versions on real parts: a Windows pool pins the source its DataSource names when
 * it is created and keeps cloning that version after the DataSource moves on (the simulator
 * plays CDI's per-VM clones on a real kube-apiserver), until a fleet rollout of its flavor moves
 * the pin: then the pool's own rollout replaces its VMs with fresh clones of the new version.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { DatabaseFleetRolloutStore } from '../database/DatabaseFleetRolloutStore';
import { FleetRollouts } from '../fleetRollout/FleetRollouts';
import { eventually } from '../__testUtils__/stack';
import { resolveGoldenImage } from './goldenImagePin';
import { poolObjectNames } from './render';
import {
  createGoldenImagePvc,
  IMAGES_NAMESPACE,
} from './__testUtils__/goldenImage';
import { useRolloutStack } from './__testUtils__/rolloutStack';

const cluster = useTestCluster();
const { startStack } = useRolloutStack();

type DataVolume = {
  metadata: { name: string };
  spec: { source?: { pvc?: { namespace: string; name: string } } };
};

it('keeps a Windows pool on its pinned golden image after the DataSource moved, and a fleet rollout moves it (abort gives the old pin back)', async () => {
  const admin = cluster.kubeConfig('admin');
  const api = admin.makeApiClient(CustomObjectsApi);
  const stack = await startStack({ replicas: 2, os: 'windows' });
  const { team } = stack.pool;
  const dataSource = `windows-golden-${team}`;
  const v1 = {
    dataSource: `${IMAGES_NAMESPACE}/${dataSource}`,
    kind: 'pvc',
    namespace: IMAGES_NAMESPACE,
    name: `golden-${team}`,
  };
  const v2 = { ...v1, name: `golden-${team}-v2` };
  const pinOf = async () =>
    (await stack.store.getPool(stack.pool.id))!.goldenImage;
  const disks = async () =>
    ((await stack.listDataVolumes()) as unknown as DataVolume[])
      .map(dv => dv.spec.source?.pvc?.name)
      .sort();
  const template = async () => {
    const vmPool = (await api.getNamespacedCustomObject({
      group: 'pool.kubevirt.io',
      version: 'v1beta1',
      plural: 'virtualmachinepools',
      namespace: `runners-${team}`,
      name: poolObjectNames(stack.pool.name).workload,
    })) as {
      spec: {
        virtualMachineTemplate: { spec: { dataVolumeTemplates: DataVolume[] } };
      };
    };
    return vmPool.spec.virtualMachineTemplate.spec.dataVolumeTemplates[0].spec;
  };

  // Pinned when created: the VMs clone the PVC the DataSource named, not the DataSource.
  expect(await pinOf()).toEqual(v1);
  expect(await template()).toMatchObject({
    source: { pvc: { name: v1.name } },
  });
  expect(await disks()).toEqual([v1.name, v1.name]);

  // A new golden image version is published: the DataSource moves to a new PVC.
  await createGoldenImagePvc(admin, v2.name);
  await api.patchNamespacedCustomObject(
    {
      group: 'cdi.kubevirt.io',
      version: 'v1beta1',
      plural: 'datasources',
      namespace: IMAGES_NAMESPACE,
      name: dataSource,
      body: {
        spec: {
          source: { pvc: { namespace: IMAGES_NAMESPACE, name: v2.name } },
        },
      },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );

  // The pool says it is behind, and what moves it.
  const flagged = await stack.until(
    'the pool flagged outdated',
    async () => (await stack.store.getPool(stack.pool.id))!,
    p => p.stateCode === 'GoldenImageOutdated',
    30_000,
  );
  expect(flagged.state).toBe('ready');
  expect(flagged.stateReason).toContain(
    `names pvc ${IMAGES_NAMESPACE}/${v2.name} now: a fleet rollout of flavor win.test`,
  );

  // A scale-out afterwards still clones the pinned version: no VM differs from its siblings.
  await stack.scaleTo(3);
  const scaled = await stack.until(
    'a third clone',
    disks,
    d => d.length === 3,
    60_000,
  );
  expect(scaled).toEqual([v1.name, v1.name, v1.name]);
  expect(await pinOf()).toEqual(v1);
  await stack.scaleTo(2);
  await stack.until(
    'back to two VMs',
    async () =>
      (await stack.listVmis()).filter(v => !v.metadata.deletionTimestamp),
    v => v.length === 2,
    60_000,
  );

  const service = FleetRollouts.create({
    store: stack.store,
    rollouts: stack.rollouts,
    fleetRollouts: await DatabaseFleetRolloutStore.create({
      database: stack.database,
    }),
    catalog: stack.config.catalog,
    vmCount: () => 2,
    goldenImageOf: async image => {
      const [namespace, name] = image.split('/');
      return resolveGoldenImage(
        image,
        (await api.getNamespacedCustomObject({
          group: 'cdi.kubevirt.io',
          version: 'v1beta1',
          plural: 'datasources',
          namespace,
          name,
        })) as Parameters<typeof resolveGoldenImage>[1],
      );
    },
    logger: mockServices.logger.mock(),
  });

  // Aborted before the pool's pass: the pool gets its old pin back and keeps its VMs.
  const first = await service.start(
    { flavor: 'win.test' },
    'user:default/platform',
  );
  expect(first.rollout.targetGoldenImage).toEqual(v2);
  // The pool's timeline says which version it takes.
  const admitted = await stack.store.listEvents(stack.pool.id, { limit: 5 });
  expect(
    admitted.some(e =>
      e.reason.includes(
        `at golden image version pvc ${IMAGES_NAMESPACE}/${v2.name}`,
      ),
    ),
  ).toBe(true);
  expect(await pinOf()).toEqual(v2);
  await service.abort(first.rollout.id, 'user:default/platform');
  expect(await pinOf()).toEqual(v1);
  await stack.pass();
  expect(await template()).toMatchObject({
    source: { pvc: { name: v1.name } },
  });

  // Rolled: the pin moves, the pool's own rollout re-clones every VM from the new version.
  const { rollout } = await service.start(
    { flavor: 'win.test' },
    'user:default/platform',
  );
  const done = await stack.until(
    'the golden image rollout complete',
    () => service.get(rollout.id),
    view => view.rollout.phase === 'complete',
    120_000,
    async () => {
      await service.advanceAll();
    },
  );
  expect(done.progress).toMatchObject({ pools: 1, poolsDone: 1 });
  expect(await pinOf()).toEqual(v2);
  expect(await template()).toMatchObject({
    source: { pvc: { name: v2.name } },
  });
  expect(await stack.rollout()).toMatchObject({
    phase: 'stable',
    reason: 'Complete',
    replaced: 2,
  });
  expect((await stack.store.getPool(stack.pool.id))!.stateCode).toBe('Ready');
  await eventually(
    'only clones of the new version',
    disks,
    d => d.length === 2 && d.every(n => n === v2.name),
    30_000,
  );
  await expect(
    service.start({ flavor: 'win.test' }, 'user:default/platform'),
  ).rejects.toThrow(/nothing to roll/);
}, 300_000);
