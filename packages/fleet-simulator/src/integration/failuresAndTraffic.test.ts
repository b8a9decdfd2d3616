import {
  GitLabEmulator,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { testLogger, TestKube, waitFor } from '../__testUtils__/cluster';
import { linuxReplicaSet } from '../__testUtils__/manifests';
import { SimulationClock } from '../clock';
import { VmirsObject } from '../kubevirt/types';
import { FleetSimulator, startFleetSimulator } from '../startFleetSimulator';

jest.setTimeout(30_000);

const KV = ['kubevirt.io', 'v1'] as const;

describe('boot failures and job traffic', () => {
  const cluster = useTestCluster({ namespacePrefix: 'fleetsim-misc' });
  let gitlab: GitLabEmulator;
  let sim: FleetSimulator | undefined;
  let kube: TestKube;

  beforeAll(async () => {
    kube = new TestKube(cluster.kubeConfig(), cluster.namespace);
  });

  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
    await gitlab?.stop();
  });

  it('replaces VMIs that fail while booting, as the replica set controller does', async () => {
    const clock = new SimulationClock({ timeScale: 200 });
    gitlab = await startGitLabEmulator({ clock: () => clock.now() });
    sim = await startFleetSimulator({
      kubeConfig: cluster.kubeConfig('fleet-simulator'),
      gitlab: { url: gitlab.url, adminToken: gitlab.tokens.admin },
      clock,
      seed: 11,
      failureRate: 1,
      roles: { runner: false, keda: false, cdi: false },
      namespaces: [cluster.namespace],
      logger: testLogger(),
    });
    await kube.create(
      ...KV,
      'virtualmachineinstancereplicasets',
      linuxReplicaSet('rf-flaky', 'none', 1),
    );
    await waitFor(
      'three failed boots',
      () => sim!.events().filter(e => e.type === 'vmi-failed').length >= 3,
    );
    const replaced = sim.events().filter(e => e.type === 'vmi-replaced');
    expect(replaced.length).toBeGreaterThanOrEqual(2);
    expect(replaced[0].message).toMatch(
      /^deleted finished VMI rf-flaky-[a-z0-9]{5} \(Failed\)$/,
    );
    const failed = new Set(
      sim
        .events()
        .filter(e => e.type === 'vmi-failed')
        .map(e => e.object),
    );
    expect(failed.size).toBeGreaterThanOrEqual(3);
    const rs = await kube.get<VmirsObject>(
      ...KV,
      'virtualmachineinstancereplicasets',
      'rf-flaky',
    );
    expect(rs?.status?.readyReplicas ?? 0).toBe(0);
  });

  it('enqueues jobs per project and tag from the daily profile, with duration hints', async () => {
    // a Wednesday, 11:00 CET: the plateau of the weekday curve
    const clock = new SimulationClock({
      timeScale: 1000,
      start: new Date('2026-06-03T10:00:00Z'),
    });
    gitlab = await startGitLabEmulator({ clock: () => clock.now() });
    sim = await startFleetSimulator({
      kubeConfig: cluster.kubeConfig('fleet-simulator'),
      gitlab: { url: gitlab.url, adminToken: gitlab.tokens.admin },
      clock,
      seed: 5,
      roles: { kubevirt: false, runner: false, keda: false, cdi: false },
      namespaces: [cluster.namespace],
      traffic: {
        share: 0.02,
        streams: [
          {
            project: 'engineering/payments/payment-gateway',
            tags: ['linux'],
            weight: 3,
          },
          {
            project: 'engineering/mobile/windows-desktop-app',
            tags: ['windows'],
            weight: 1,
          },
        ],
      },
      logger: testLogger(),
    });
    await waitFor('20 jobs', () => gitlab.inspect().jobs.length >= 20);
    const { jobs } = gitlab.inspect();
    expect(
      jobs.every(j => j.status === 'pending' && (j.durationHint ?? 0) >= 5),
    ).toBe(true);
    const linux = jobs.filter(
      j => j.projectPath === 'engineering/payments/payment-gateway',
    );
    const windows = jobs.filter(
      j => j.projectPath === 'engineering/mobile/windows-desktop-app',
    );
    expect(linux.every(j => j.tagList.join() === 'linux')).toBe(true);
    expect(windows.every(j => j.tagList.join() === 'windows')).toBe(true);
    expect(linux.length).toBeGreaterThan(windows.length);
    // 60,000 jobs a month → ~2,600 on a weekday, ~220 an hour at the plateau
    expect(sim.state().traffic?.jobsPerHour).toBeGreaterThan(150);
    expect(sim.state().traffic?.jobsPerHour).toBeLessThan(300);
    // The counter moves once the emulator has answered the enqueue call, just after the jobs exist.
    const running = sim;
    await waitFor(
      'enqueued counted',
      () => (running.state().traffic?.enqueued ?? 0) >= 20,
    );
  });
});
