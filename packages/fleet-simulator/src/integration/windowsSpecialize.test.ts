import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  GitLabEmulator,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { testLogger, TestKube, waitFor } from '../__testUtils__/cluster';
import {
  createRunner,
  runnerConfigToml,
  sysprepData,
  windowsPool,
} from '../__testUtils__/manifests';
import { DataVolumeObject } from '../cdi/types';
import { SimulationClock } from '../clock';
import { GUEST_DISK_ANNOTATION } from '../kubevirt/specialize';
import { VmiObject } from '../kubevirt/types';
import { FleetSimulator, startFleetSimulator } from '../startFleetSimulator';

const KV = ['kubevirt.io', 'v1'] as const;
const POOL = ['pool.kubevirt.io', 'v1beta1', 'virtualmachinepools'] as const;
const CDI = ['cdi.kubevirt.io', 'v1beta1'] as const;

/** The product's specialize step that extends C: (render/sysprep.ts, EXTEND_SYSTEM_DRIVE). */
const EXTEND_C =
  'if ((Get-Partition -DriveLetter C).Size -lt $cMax) { Resize-Partition -DriveLetter C -Size (Get-PartitionSupportedSize -DriveLetter C).SizeMax }\r\n';

jest.setTimeout(60_000);

describe('Windows specialize-once: a restart keeps the old config, only a fresh clone takes a new one', () => {
  const cluster = useTestCluster({ namespacePrefix: 'fleetsim-specialize' });
  let golden: string;
  let clock: SimulationClock;
  let gitlab: GitLabEmulator;
  let sim: FleetSimulator;
  let kube: TestKube;
  let first: { id: number; token: string };
  let second: { id: number; token: string };

  const media = (token: string, extendC: boolean) => {
    const data = sysprepData(
      runnerConfigToml({
        url: gitlab.url,
        token,
        concurrent: 1,
        executor: 'shell',
      }),
    );
    if (extendC) data['runner-fleet.ps1'] = EXTEND_C + data['runner-fleet.ps1'];
    return data;
  };
  const managersOf = (runnerId: number) =>
    gitlab.inspect().runners.find(r => r.id === runnerId)?.managers ?? [];
  const vmi = (name: string) =>
    kube.get<VmiObject>(...KV, 'virtualmachineinstances', name);

  beforeAll(async () => {
    golden = `${cluster.namespace}-golden`;
    kube = new TestKube(cluster.kubeConfig(), cluster.namespace);
    await kube.namespaceNamed(golden);
    await kube.pvc('win-golden', '60Gi', golden);
    // a provisioner would report the golden disk's size
    await kube.core.patchNamespacedPersistentVolumeClaimStatus(
      {
        name: 'win-golden',
        namespace: golden,
        body: { status: { phase: 'Bound', capacity: { storage: '60Gi' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await kube.create(...CDI, 'datasources', {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataSource',
      metadata: { name: 'win', namespace: golden },
      spec: { source: { pvc: { namespace: golden, name: 'win-golden' } } },
    });
    clock = new SimulationClock({ timeScale: 400 });
    gitlab = await startGitLabEmulator({ clock: () => clock.now() });
    sim = await startFleetSimulator({
      kubeConfig: cluster.kubeConfig('fleet-simulator'),
      gitlab: { url: gitlab.url, adminToken: gitlab.tokens.admin },
      clock,
      seed: 11,
      failureRate: 0,
      namespaces: [cluster.namespace, golden],
      logger: testLogger(),
    });
    first = await createRunner(gitlab.apiUrl, gitlab.tokens.fleetBot, ['w']);
    second = await createRunner(gitlab.apiUrl, gitlab.tokens.fleetBot, ['w']);
  });

  afterAll(async () => {
    await sim?.stop();
    await gitlab?.stop();
  });

  it('restarts on the specialised disk with the old token; a replaced VM registers with the new one', async () => {
    await kube.secret('rf-spec-sysprep', media(first.token, true));
    await kube.create(
      ...POOL,
      windowsPool({
        name: 'rf-spec',
        sysprepSecret: 'rf-spec-sysprep',
        golden: { namespace: golden, name: 'win' },
        replicas: 1,
        diskGi: 160,
      }),
    );
    await waitFor('the first runner registered', () =>
      managersOf(first.id).length === 1 ? true : undefined,
    );
    const specialized = await sim.waitForEvent(
      e => e.type === 'guest-specialized' && !!e.object?.endsWith('/rf-spec-0'),
    );
    // the script extends C: over the 160 GiB clone of the 60 GiB image
    expect(specialized.data).toEqual({ cDriveGiB: 160, diskGiB: 160 });
    expect((await vmi('rf-spec-0'))?.metadata.annotations).toMatchObject({
      [GUEST_DISK_ANNOTATION]: 'C: 160 GiB, disk 160 GiB',
    });
    const disk = await kube.get<DataVolumeObject>(
      ...CDI,
      'datavolumes',
      'rf-spec-disk-0',
    );

    // A new token (a reset, a config change) lands in the Secret...
    await kube.core.replaceNamespacedSecret({
      name: 'rf-spec-sysprep',
      namespace: cluster.namespace,
      body: {
        metadata: { name: 'rf-spec-sysprep', namespace: cluster.namespace },
        data: Object.fromEntries(
          Object.entries(media(second.token, true)).map(([k, v]) => [
            k,
            Buffer.from(v).toString('base64'),
          ]),
        ),
      },
    });
    // ...and a restart (the VMI deleted, the VM starts it again) does not pick it up.
    const before = (await vmi('rf-spec-0'))?.metadata.uid;
    await kube.delete(...KV, 'virtualmachineinstances', 'rf-spec-0');
    await sim.waitForEvent(
      e =>
        e.type === 'guest-already-specialized' &&
        !!e.object?.endsWith('/rf-spec-0'),
      30_000,
    );
    await waitFor('the restarted VM to register again', () =>
      managersOf(first.id).length === 2 ? true : undefined,
    );
    expect((await vmi('rf-spec-0'))?.metadata.uid).not.toBe(before);
    expect(managersOf(second.id)).toEqual([]);

    // Replacing the VM (delete in the foreground) gives a fresh clone that specialises anew.
    await kube.custom.deleteNamespacedCustomObject({
      group: 'kubevirt.io',
      version: 'v1',
      plural: 'virtualmachines',
      namespace: cluster.namespace,
      name: 'rf-spec-0',
      propagationPolicy: 'Foreground',
    });
    await waitFor(
      'the new token registered from a fresh clone',
      () => (managersOf(second.id).length === 1 ? true : undefined),
      40_000,
    );
    const fresh = await kube.get<DataVolumeObject>(
      ...CDI,
      'datavolumes',
      'rf-spec-disk-0',
    );
    expect(fresh?.metadata.uid).not.toBe(disk?.metadata.uid);
    const specializations = sim
      .events()
      .filter(
        e => e.type === 'guest-specialized' && e.object?.endsWith('/rf-spec-0'),
      );
    expect(specializations).toHaveLength(2);
  });

  it('without the extend step, the guest sees the golden image’s C:, not the clone’s size', async () => {
    await kube.secret('rf-small-sysprep', media(first.token, false));
    await kube.create(
      ...POOL,
      windowsPool({
        name: 'rf-small',
        sysprepSecret: 'rf-small-sysprep',
        golden: { namespace: golden, name: 'win' },
        replicas: 1,
        diskGi: 160,
      }),
    );
    const specialized = await sim.waitForEvent(
      e =>
        e.type === 'guest-specialized' && !!e.object?.endsWith('/rf-small-0'),
      30_000,
    );
    expect(specialized.data).toEqual({ cDriveGiB: 60, diskGiB: 160 });
  });
});
