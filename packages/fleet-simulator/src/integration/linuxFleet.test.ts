import {
  GitLabEmulator,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { createServer } from 'node:net';
import { testLogger, TestKube, waitFor } from '../__testUtils__/cluster';
import {
  cloudConfig,
  createRunner,
  linuxReplicaSet,
  runnerConfigToml,
  guestSystemId,
} from '../__testUtils__/manifests';
import { SimulationClock } from '../clock';
import { VmiObject, VmirsObject } from '../kubevirt/types';
import { RUNNER_ANNOTATION } from '../runner';
import { FleetSimulator, startFleetSimulator } from '../startFleetSimulator';

const KV = ['kubevirt.io', 'v1'] as const;

/** A port nothing listens on (taken from the OS, then released). */
function freePort(): Promise<number> {
  return new Promise(resolve => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

jest.setTimeout(30_000);

describe('Linux runners from a VirtualMachineInstanceReplicaSet', () => {
  const cluster = useTestCluster({ namespacePrefix: 'fleetsim-linux' });
  let clock: SimulationClock;
  let gitlab: GitLabEmulator;
  let sim: FleetSimulator;
  let kube: TestKube;
  let runner: { id: number; token: string };

  const vmis = () => kube.list<VmiObject>(...KV, 'virtualmachineinstances');
  const running = async (rs: string) =>
    (await vmis()).filter(
      v =>
        v.metadata.name.startsWith(`${rs}-`) &&
        v.status?.phase === 'Running' &&
        !v.metadata.deletionTimestamp,
    );
  const managers = () =>
    gitlab.inspect().runners.find(r => r.id === runner.id)?.managers ?? [];

  beforeAll(async () => {
    clock = new SimulationClock({ timeScale: 100 });
    gitlab = await startGitLabEmulator({ clock: () => clock.now() });
    kube = new TestKube(cluster.kubeConfig(), cluster.namespace);
    sim = await startFleetSimulator({
      kubeConfig: cluster.kubeConfig('fleet-simulator'),
      gitlab: { url: gitlab.url, adminToken: gitlab.tokens.admin },
      clock,
      seed: 42,
      failureRate: 0,
      jobFailureRate: 0,
      namespaces: [cluster.namespace],
      logger: testLogger(),
      metricsPort: 0,
    });
    runner = await createRunner(gitlab.apiUrl, gitlab.tokens.fleetBot, [
      'linux',
      'docker',
    ]);
    const toml = runnerConfigToml({
      url: gitlab.url,
      token: runner.token,
      concurrent: 2,
    });
    await kube.secret('rf-linux-cloudinit', { userdata: cloudConfig(toml) });
  });

  afterAll(async () => {
    await sim?.stop();
    await gitlab?.stop();
  });

  it('scales 0 → 3: three Running VMIs, each a runner manager registered with the Secret’s token', async () => {
    await kube.create(
      ...KV,
      'virtualmachineinstancereplicasets',
      linuxReplicaSet('rf-linux', 'rf-linux-cloudinit', 0),
    );
    const selector =
      'runner-fleet.io/pool=rf-linux,runner-fleet.io/role=primary';
    await waitFor(
      'labelSelector',
      async () =>
        (
          await kube.get<VmirsObject>(
            ...KV,
            'virtualmachineinstancereplicasets',
            'rf-linux',
          )
        )?.status?.labelSelector === selector,
    );
    expect(await vmis()).toHaveLength(0);

    await kube.scale(...KV, 'virtualmachineinstancereplicasets', 'rf-linux', 3);
    const up = await waitFor('3 Running VMIs', async () =>
      (await running('rf-linux')).length === 3
        ? running('rf-linux')
        : undefined,
    );
    for (const vmi of up) {
      expect(vmi.metadata.name).toMatch(
        /^rf-linux-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
      );
      expect(vmi.metadata.labels).toMatchObject({
        'runner-fleet.io/pool': 'rf-linux',
        'runner-fleet.io/team': 'payments',
      });
      expect(vmi.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'VirtualMachineInstanceReplicaSet',
          name: 'rf-linux',
          controller: true,
        }),
      ]);
      expect(vmi.status).toMatchObject({
        nodeName: expect.stringMatching(/^sim-node-/),
        conditions: expect.arrayContaining([
          expect.objectContaining({ type: 'Ready', status: 'True' }),
        ]),
      });
      expect(vmi.status?.phaseTransitionTimestamps?.map(p => p.phase)).toEqual([
        'Pending',
        'Scheduling',
        'Scheduled',
        'Running',
      ]);
    }

    // verify creates the manager; the first job request fills in what the runner reports
    const registered = await waitFor('3 managers that asked for jobs', () =>
      managers().length === 3 && managers().every(m => m.platform === 'linux')
        ? managers()
        : undefined,
    );
    expect(registered.map(m => m.systemId).sort()).toEqual(
      up.map(v => guestSystemId(v.metadata.name)).sort(),
    );
    expect(
      registered.every(
        m =>
          m.status === 'online' &&
          m.version === '18.3.0' &&
          m.executor === 'docker',
      ),
    ).toBe(true);
    await waitFor('annotations', async () =>
      (
        await running('rf-linux')
      ).every(v =>
        v.metadata.annotations?.[RUNNER_ANNOTATION]?.startsWith(
          `registered: manager ${guestSystemId(v.metadata.name)} of runner ${
            runner.id
          }`,
        ),
      ),
    );
    await waitFor('VMIRS status', async () => {
      const status = (
        await kube.get<VmirsObject>(
          ...KV,
          'virtualmachineinstancereplicasets',
          'rf-linux',
        )
      )?.status;
      return status?.replicas === 3 && status.readyReplicas === 3;
    });
  });

  it('runs queued jobs on the registered VMs, never more than `concurrent` per VM', async () => {
    await gitlab.control.enqueueJobs({
      project: 'engineering/payments/payment-gateway',
      count: 10,
      tags: ['linux'],
      durationSeconds: 120,
    });
    // virt-handler's metrics while the jobs run: memory in use beyond the idle guest's 0.5 GiB.
    const GIB = 1024 ** 3;
    const inUse = (async () => {
      for (let i = 0; i < 200; i++) {
        const text = await (await fetch(sim.metricsUrl!)).text();
        const usable = [
          ...text.matchAll(
            /^kubevirt_vmi_memory_usable_bytes\{([^}]*)\} (\S+)$/gm,
          ),
        ];
        const busy = usable.filter(m => Number(m[2]) < 5.5 * GIB - 1);
        if (busy.length > 0) return { labels: busy[0][1], text };
        await new Promise(r => setTimeout(r, 25));
      }
      return undefined;
    })();
    let maxTotal = 0;
    let maxPerManager = 0;
    await waitFor(
      '10 finished jobs',
      () => {
        const jobs = gitlab.inspect().jobs;
        const runningJobs = jobs.filter(j => j.status === 'running');
        maxTotal = Math.max(maxTotal, runningJobs.length);
        const perManager = new Map<number | null, number>();
        for (const job of runningJobs)
          perManager.set(
            job.runnerManagerId,
            (perManager.get(job.runnerManagerId) ?? 0) + 1,
          );
        maxPerManager = Math.max(maxPerManager, ...perManager.values());
        return jobs.filter(j => j.status === 'success').length === 10;
      },
      30_000,
    );
    expect(maxTotal).toBe(6);
    expect(maxPerManager).toBe(2);
    const managerIds = new Set(managers().map(m => m.id));
    expect(
      gitlab.inspect().jobs.every(j => managerIds.has(j.runnerManagerId ?? -1)),
    ).toBe(true);
    // durations come from the jobs' hints, in simulated time
    expect(gitlab.inspect().jobs[0].duration).toBeGreaterThanOrEqual(119);

    const seen = await inUse;
    expect(seen?.labels).toMatch(/namespace="[^"]+",name="[^"]+",node="[^"]*"/);
    expect(seen?.labels).toContain(
      'kubernetes_vmi_label_runner_fleet_io_pool=',
    );
    expect(seen?.text).toContain(
      '# TYPE kubevirt_vmi_cpu_usage_seconds_total counter',
    );
    expect(seen?.text).toMatch(
      /^kubevirt_vmi_memory_domain_bytes\{[^}]*\} 6442450944$/m,
    );
  });

  it('a deleted VMI stops contacting GitLab: the replica set replaces it, its manager goes offline, then stale', async () => {
    const [victim] = await running('rf-linux');
    await kube.delete(...KV, 'virtualmachineinstances', victim.metadata.name);
    await waitFor(
      'the VMI to be gone',
      async () =>
        !(await vmis()).some(v => v.metadata.name === victim.metadata.name),
    );
    const replaced = await waitFor('a replacement', async () => {
      const now = await running('rf-linux');
      return now.length === 3 && managers().length === 4 ? now : undefined;
    });
    expect(replaced.map(v => v.metadata.name)).not.toContain(
      victim.metadata.name,
    );

    const contacted = () =>
      managers().find(m => m.systemId === guestSystemId(victim.metadata.name))
        ?.contactedAt;
    const before = contacted();
    await new Promise(resolve => setTimeout(resolve, 300)); // 30 s simulated: ten check intervals
    expect(contacted()).toBe(before);

    gitlab.clock.advance(2 * 60 * 60 * 1000 + 60_000);
    await waitFor(
      'the others to heartbeat',
      () => managers().filter(m => m.status === 'online').length === 3,
    );
    expect(
      managers().find(m => m.systemId === guestSystemId(victim.metadata.name))
        ?.status,
    ).toBe('offline');
    gitlab.clock.advance(7 * 24 * 60 * 60 * 1000);
    await waitFor(
      'the others to heartbeat again',
      () => managers().filter(m => m.status === 'online').length === 3,
    );
    expect(
      managers().find(m => m.systemId === guestSystemId(victim.metadata.name))
        ?.status,
    ).toBe('stale');
  });

  it('a wrong token or URL in the cloud-init Secret makes registration fail visibly on the VMI', async () => {
    const wrongToken = runnerConfigToml({
      url: gitlab.url,
      token: 'glrt-not-the-pool-token',
      concurrent: 2,
    });
    const closedPort = await freePort();
    const wrongUrl = runnerConfigToml({
      url: `http://127.0.0.1:${closedPort}`,
      token: runner.token,
      concurrent: 2,
    });
    await kube.secret('rf-bad-token-cloudinit', {
      userdata: cloudConfig(wrongToken),
    });
    await kube.secret('rf-bad-url-cloudinit', {
      userdata: cloudConfig(wrongUrl),
    });
    await kube.create(
      ...KV,
      'virtualmachineinstancereplicasets',
      linuxReplicaSet('rf-bad-token', 'rf-bad-token-cloudinit', 1),
    );
    await kube.create(
      ...KV,
      'virtualmachineinstancereplicasets',
      linuxReplicaSet('rf-bad-url', 'rf-bad-url-cloudinit', 1),
    );

    const annotation = (rs: string) => async () =>
      (await running(rs))[0]?.metadata.annotations?.[RUNNER_ANNOTATION];
    expect(
      await waitFor('bad token annotation', annotation('rf-bad-token')),
    ).toMatch(
      /^registration failed: 403 Forbidden .*token from Secret rf-bad-token-cloudinit key userdata/,
    );
    expect(
      await waitFor('bad url annotation', annotation('rf-bad-url')),
    ).toMatch(
      new RegExp(
        `^registration failed: cannot reach http://127\\.0\\.0\\.1:${closedPort}: ECONNREFUSED`,
      ),
    );

    // a Warning Event on the VMI, as `kubectl describe` shows it
    const event = await waitFor('the Event', async () =>
      (
        await kube.core.listNamespacedEvent({ namespace: cluster.namespace })
      ).items.find(
        e =>
          e.reason === 'RunnerRegistrationFailed' &&
          e.involvedObject.name?.startsWith('rf-bad-token-'),
      ),
    );
    expect(event).toMatchObject({
      type: 'Warning',
      involvedObject: { kind: 'VirtualMachineInstance' },
    });
    expect(sim.events().some(e => e.type === 'registration-failed')).toBe(true);
    expect(
      managers()
        .map(m => m.systemId)
        .some(id => id.startsWith('rf-bad-')),
    ).toBe(false);
  });

  it('deleting the replica set drains and removes its VMIs, as the garbage collector would', async () => {
    await kube.delete(...KV, 'virtualmachineinstancereplicasets', 'rf-linux');
    await waitFor(
      'no rf-linux VMIs',
      async () =>
        !(await vmis()).some(v => v.metadata.name.startsWith('rf-linux-')),
    );
    await waitFor('their runners gone', () =>
      sim.state().runners.every(r => !r.vmi.includes('/rf-linux-')),
    );
    expect(
      sim
        .events()
        .filter(
          e => e.type === 'runner-stopped' && e.object?.includes('/rf-linux-'),
        ).length,
    ).toBeGreaterThanOrEqual(3);
  });
});
