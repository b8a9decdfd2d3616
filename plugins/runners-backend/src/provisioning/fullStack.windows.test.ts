/*
 * Windows pools through the whole provisioning path on real parts, as in fullStack.test.ts: the
 * simulator clones the golden image per VM and runs sysprep's registration.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { eventually, insertTestPool } from '../__testUtils__/stack';
import { teamNamespace, vmiRunnerSystemId } from './render';
import { useFullStack } from './__testUtils__/fullStack';
import {
  createGoldenImage,
  createGoldenImageDataSource,
  createGoldenImagePvc,
} from './__testUtils__/goldenImage';

const { cluster, startStack, emulator } = useFullStack();

it('a Windows pool clones the golden image once per VM and its runners register from sysprep', async () => {
  const { store, config, reconciler, fleet, team } = await startStack();
  const admin = cluster.kubeConfig('admin');
  const image = await createGoldenImage(admin, team);
  const windows = {
    ...config.catalog.flavors.find(f => f.name === 'win.xlarge')!,
    image,
  };
  config.catalog.flavors.push({ ...windows, name: 'win.test' });
  const pool = await insertTestPool(store, config, {
    team,
    flavor: 'win.test',
    autoscaling: { minReplicas: 2, maxReplicas: 2 },
    tags: ['windows'],
  });
  const pass = async () => {
    await fleet.refresh();
    await reconciler.reconcile(pool.id);
    return (await store.getPool(pool.id))!;
  };
  const ready = await eventually(
    'windows pool ready',
    pass,
    p => p.state === 'ready',
    60_000,
  );

  // One cloned DataVolume per VM, each from the golden image, named after its VM.
  const dataVolumes = (await admin
    .makeApiClient(CustomObjectsApi)
    .listNamespacedCustomObject({
      group: 'cdi.kubevirt.io',
      version: 'v1beta1',
      plural: 'datavolumes',
      namespace: teamNamespace(team),
    })) as {
    items: Array<{
      metadata: { name: string };
      spec: { source?: { pvc?: { name: string } } };
      status?: { phase?: string };
    }>;
  };
  expect(dataVolumes.items.map(d => d.metadata.name).sort()).toEqual([
    'rf-builds-disk-0',
    'rf-builds-disk-1',
  ]);
  for (const dv of dataVolumes.items) {
    // The version the DataSource named when the pool was created (pinned), not the DataSource.
    expect(dv.spec.source?.pvc?.name).toBe(`golden-${team}`);
    expect(dv.status?.phase).toBe('Succeeded');
  }
  const managers = await eventually(
    'windows managers',
    async () =>
      (
        await emulator().control.runners()
      ).find(r => r.id === ready.gitlabRunnerId)?.managers ?? [],
    m => m.length === 2,
  );
  // Windows VMs are known to GitLab by the id sysprep derived from their SMBIOS UUID.
  expect(managers.map(m => m.systemId).sort()).toEqual(
    fleet
      .vmisOf(pool.id)
      .map(v => vmiRunnerSystemId(v.vmi, 'windows'))
      .sort(),
  );
}, 120_000);

it('a Windows pool without its golden image says so by code, and becomes ready once the image exists', async () => {
  const { store, config, reconciler, fleet, team } = await startStack();
  const image = `windows-missing-${team}`;
  config.catalog.flavors.push({
    ...config.catalog.flavors.find(f => f.name === 'win.xlarge')!,
    name: 'win.missing',
    image: `runner-fleet-images/${image}`,
  });
  const pool = await insertTestPool(store, config, {
    team,
    flavor: 'win.missing',
    autoscaling: { minReplicas: 1, maxReplicas: 1 },
    tags: ['windows'],
  });
  const pass = async () => {
    await fleet.refresh();
    await reconciler.reconcile(pool.id);
    return (await store.getPool(pool.id))!;
  };
  // One pass is enough to name the cause.
  const waiting = await pass();
  expect(waiting.state).toBe('provisioning');
  expect(waiting.stateCode).toBe('GoldenImageMissing');
  expect(waiting.stateReason).toContain(`runner-fleet-images/${image}`);
  expect(waiting.stateReason).toContain('k8s/images');

  // The DataSource alone, without its PVC, is not Ready: another code.
  const admin = cluster.kubeConfig('admin');
  await createGoldenImageDataSource(admin, image, image);
  await eventually(
    'not-ready golden image reported',
    pass,
    p => p.stateCode === 'GoldenImageNotReady',
  );
  await createGoldenImagePvc(admin, image);
  const ready = await eventually(
    'windows pool ready once the image exists',
    pass,
    p => p.state === 'ready',
    60_000,
  );
  // Its VMs cloned through the DataSource before it had a source: the pool is not pinned
  // silently (that would re-clone its VMs); it says so, and a fleet rollout pins it.
  expect(ready.stateCode).toBe('GoldenImageOutdated');
  expect(ready.stateReason).toContain('not pinned to a golden image version');
  expect(ready.goldenImage).toBeUndefined();
}, 120_000);
