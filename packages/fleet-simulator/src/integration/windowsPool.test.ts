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
import { DataSourceObject, DataVolumeObject } from '../cdi/types';
import { SimulationClock } from '../clock';
import { PoolObject, VmiObject, VmObject } from '../kubevirt/types';
import { FleetSimulator, startFleetSimulator } from '../startFleetSimulator';

const KV = ['kubevirt.io', 'v1'] as const;
const POOL = ['pool.kubevirt.io', 'v1beta1', 'virtualmachinepools'] as const;
const CDI = ['cdi.kubevirt.io', 'v1beta1'] as const;

jest.setTimeout(30_000);

describe('Windows runners from a VirtualMachinePool with cloned disks', () => {
  const cluster = useTestCluster({ namespacePrefix: 'fleetsim-windows' });
  let golden: string;
  let clock: SimulationClock;
  let gitlab: GitLabEmulator;
  let sim: FleetSimulator;
  let kube: TestKube;
  let runner: { id: number; token: string };

  const vms = () => kube.list<VmObject>(...KV, 'virtualmachines');
  const vmis = () => kube.list<VmiObject>(...KV, 'virtualmachineinstances');
  const dvs = () => kube.list<DataVolumeObject>(...CDI, 'datavolumes');
  const names = (
    items: Array<{ metadata: { name: string } }>,
    prefix: string,
  ) =>
    items
      .map(i => i.metadata.name)
      .filter(n => n.startsWith(prefix))
      .sort();

  beforeAll(async () => {
    golden = `${cluster.namespace}-golden`;
    kube = new TestKube(cluster.kubeConfig(), cluster.namespace);
    await kube.namespaceNamed(golden);
    await kube.pvc('win2022-golden', '60Gi', golden);
    await kube.create(...CDI, 'datasources', {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataSource',
      metadata: { name: 'win2022', namespace: golden },
      spec: { source: { pvc: { namespace: golden, name: 'win2022-golden' } } },
    });
    clock = new SimulationClock({ timeScale: 200 });
    gitlab = await startGitLabEmulator({ clock: () => clock.now() });
    sim = await startFleetSimulator({
      kubeConfig: cluster.kubeConfig('fleet-simulator'),
      gitlab: { url: gitlab.url, adminToken: gitlab.tokens.admin },
      clock,
      seed: 7,
      failureRate: 0,
      namespaces: [cluster.namespace, golden],
      logger: testLogger(),
    });
    runner = await createRunner(gitlab.apiUrl, gitlab.tokens.fleetBot, [
      'windows',
    ]);
    await kube.secret(
      'rf-win-sysprep',
      sysprepData(
        runnerConfigToml({
          url: gitlab.url,
          token: runner.token,
          concurrent: 1,
          executor: 'shell',
        }),
      ),
    );
  });

  afterAll(async () => {
    await sim?.stop();
    await gitlab?.stop();
  });

  it('clones the golden image once per VM, with progress, then boots Windows runners from them', async () => {
    await kube.create(
      ...POOL,
      windowsPool({
        name: 'rf-win',
        sysprepSecret: 'rf-win-sysprep',
        golden: { namespace: golden, name: 'win2022' },
        replicas: 2,
        diskGi: 60,
      }),
    );
    await waitFor(
      'VMs rf-win-0 and rf-win-1',
      async () => names(await vms(), 'rf-win-').join() === 'rf-win-0,rf-win-1',
    );
    const progress = new Set<string>();
    await waitFor(
      'two cloned disks',
      async () => {
        const disks = (await dvs()).filter(d =>
          d.metadata.name.startsWith('rf-win-disk-'),
        );
        disks.forEach(d => progress.add(d.status?.progress ?? ''));
        return (
          disks.length === 2 &&
          disks.every(d => d.status?.phase === 'Succeeded')
        );
      },
      20_000,
    );
    // a 60 GiB clone at 200 MiB/s reports progress for about 300 simulated seconds
    expect(
      [...progress].some(p => /^\d+\.\d\d%$/.test(p) && p !== '0.00%'),
    ).toBe(true);
    for (const disk of ['rf-win-disk-0', 'rf-win-disk-1']) {
      // the event follows the status write the list above may already show
      await sim.waitForEvent(
        e =>
          e.type === 'datavolume-phase' &&
          e.object?.endsWith(`/${disk}`) === true &&
          e.data?.phase === 'Succeeded',
      );
      const phases = sim
        .events()
        .filter(
          e => e.type === 'datavolume-phase' && e.object?.endsWith(`/${disk}`),
        )
        .map(e => e.data?.phase);
      expect(phases).toEqual([
        'CloneScheduled',
        'CloneInProgress',
        'Succeeded',
      ]);
    }

    const disks = (await dvs()).filter(d =>
      d.metadata.name.startsWith('rf-win-disk-'),
    );
    expect(names(disks, 'rf-win-disk-')).toEqual([
      'rf-win-disk-0',
      'rf-win-disk-1',
    ]);
    for (const disk of disks) {
      const index = disk.metadata.name.slice(-1);
      expect(disk.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'VirtualMachine',
          name: `rf-win-${index}`,
        }),
      ]);
      expect(disk.spec.sourceRef).toEqual({
        kind: 'DataSource',
        namespace: golden,
        name: 'win2022',
      });
      expect(disk.status).toMatchObject({
        progress: '100.0%',
        claimName: disk.metadata.name,
      });
      const pvc = await kube.core.readNamespacedPersistentVolumeClaim({
        name: disk.metadata.name,
        namespace: cluster.namespace,
      });
      expect(pvc.status?.phase).toBe('Bound');
      expect(pvc.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: 'DataVolume',
        name: disk.metadata.name,
      });
    }

    const up = await waitFor(
      '2 Running VMIs',
      async () => {
        const list = (await vmis()).filter(v => v.status?.phase === 'Running');
        return list.length === 2 ? list : undefined;
      },
      20_000,
    );
    expect(names(up, 'rf-win-')).toEqual(['rf-win-0', 'rf-win-1']);
    for (const vmi of up) {
      const volume = vmi.spec.volumes?.find(v => v.name === 'rootdisk');
      expect(volume?.dataVolume?.name).toBe(
        `rf-win-disk-${vmi.metadata.name.slice(-1)}`,
      );
      expect(vmi.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'VirtualMachine',
          name: vmi.metadata.name,
        }),
      ]);
    }
    const managers = await waitFor('2 Windows managers', () => {
      const list =
        gitlab.inspect().runners.find(r => r.id === runner.id)?.managers ?? [];
      return list.length === 2 && list.every(m => m.platform === 'windows')
        ? list
        : undefined;
    });
    // This sysprep writes no .runner_system_id: gitlab-runner generates random r_ ids
    // (system_id_state.go, generateRandomSystemID), never the VM name.
    const ids = managers.map(m => m.systemId);
    expect(ids.every(id => /^r_[0-9a-zA-Z]{12}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(2);
    await waitFor('pool status', async () => {
      const pool = await kube.get<PoolObject>(...POOL, 'rf-win');
      return (
        pool?.status?.readyReplicas === 2 &&
        pool.status.replicas === 2 &&
        pool.status.labelSelector ===
          'runner-fleet.io/pool=rf-win,runner-fleet.io/role=primary'
      );
    });
    expect(
      (await kube.get<VmObject>(...KV, 'virtualmachines', 'rf-win-0'))?.status,
    ).toMatchObject({ printableStatus: 'Running', ready: true, created: true });
    const bootSeconds = sim
      .events()
      .filter(e => e.type === 'vmi-running' && e.object?.includes('/rf-win-'))
      .map(e => Number(/after (\d+) s/.exec(e.message)?.[1]));
    expect(bootSeconds).toHaveLength(2);
    // Windows boots are drawn around 120 s (sd 24 s), never below a third of the mean
    expect(bootSeconds.every(t => t >= 40 && t <= 240)).toBe(true);
  });

  it('scales in from the highest index, dropping that VM’s disk', async () => {
    await kube.scale(...POOL, 'rf-win', 1);
    const left = async () => ({
      vms: names(await vms(), 'rf-win-'),
      vmis: names(await vmis(), 'rf-win-'),
      disks: names(await dvs(), 'rf-win-disk-'),
      claims: (
        await kube.core.listNamespacedPersistentVolumeClaim({
          namespace: cluster.namespace,
        })
      ).items.map(p => p.metadata?.name ?? ''),
    });
    await waitFor(
      'rf-win-1, its disk and claim gone',
      async () => (await left()).claims.length === 1,
    );
    expect(await left()).toEqual({
      vms: ['rf-win-0'],
      vmis: ['rf-win-0'],
      disks: ['rf-win-disk-0'],
      claims: ['rf-win-disk-0'],
    });
    const removed = sim.events().find(e => e.type === 'pool-scaled-down');
    expect(removed?.message).toMatch(/^deleted rf-win-1, 1 wanted/);
  });

  it('a clone whose source is missing waits as CDI reports it, and never boots until the source appears', async () => {
    await kube.create(...CDI, 'datasources', {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataSource',
      metadata: { name: 'win2025', namespace: golden },
      spec: { source: { pvc: { namespace: golden, name: 'win2025-golden' } } },
    });
    await kube.create(
      ...POOL,
      windowsPool({
        name: 'rf-nosrc',
        sysprepSecret: 'rf-win-sysprep',
        golden: { namespace: golden, name: 'win2019' },
        replicas: 1,
        diskGi: 60,
      }),
    );
    await kube.create(
      ...POOL,
      windowsPool({
        name: 'rf-nopvc',
        sysprepSecret: 'rf-win-sysprep',
        golden: { namespace: golden, name: 'win2025' },
        replicas: 1,
        diskGi: 60,
      }),
    );

    const bound = (name: string) => async () => {
      const dv = await kube.get<DataVolumeObject>(...CDI, 'datavolumes', name);
      return dv?.status?.phase === 'Pending'
        ? dv.status.conditions?.find(c => c.type === 'Bound')
        : undefined;
    };
    expect(
      await waitFor('missing DataSource reported', bound('rf-nosrc-disk-0')),
    ).toMatchObject({
      status: 'Unknown',
      reason: 'CloneWithoutSource',
      message: "The source datasource win2019 doesn't exist",
    });
    expect(
      await waitFor('missing PVC reported', bound('rf-nopvc-disk-0')),
    ).toMatchObject({
      status: 'Unknown',
      reason: 'CloneWithoutSource',
      message: "The source pvc win2025-golden doesn't exist",
    });
    const source = await waitFor('DataSource not ready', async () =>
      (
        await kube.get<DataSourceObject>(
          ...CDI,
          'datasources',
          'win2025',
          golden,
        )
      )?.status?.conditions?.find(c => c.type === 'Ready'),
    );
    expect(source).toMatchObject({ status: 'False', reason: 'NotFound' });

    await new Promise(resolve => setTimeout(resolve, 500)); // 100 s simulated
    expect(names(await vmis(), 'rf-no')).toEqual([]);
    expect(
      (await kube.get<VmObject>(...KV, 'virtualmachines', 'rf-nosrc-0'))?.status
        ?.printableStatus,
    ).toBe('Provisioning');

    await kube.pvc('win2025-golden', '60Gi', golden);
    await waitFor(
      'the clone to proceed once the PVC exists',
      async () =>
        (
          await kube.get<DataVolumeObject>(
            ...CDI,
            'datavolumes',
            'rf-nopvc-disk-0',
          )
        )?.status?.phase === 'Succeeded',
      20_000,
    );
    expect(
      (
        await kube.get<DataVolumeObject>(
          ...CDI,
          'datavolumes',
          'rf-nosrc-disk-0',
        )
      )?.status?.phase,
    ).toBe('Pending');
  });
});
