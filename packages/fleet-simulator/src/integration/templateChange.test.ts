import {
  GitLabEmulator,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { testLogger, TestKube, waitFor } from '../__testUtils__/cluster';
import {
  cloudConfig,
  createRunner,
  linuxReplicaSet,
  runnerConfigToml,
} from '../__testUtils__/manifests';
import { SimulationClock } from '../clock';
import { VmiObject, VmirsObject } from '../kubevirt/types';
import { statusOf } from '../kube/KubeClient';
import { FleetSimulator, startFleetSimulator } from '../startFleetSimulator';

const KV = ['kubevirt.io', 'v1'] as const;
const HASH = 'runner-fleet.io/template-hash';
const MISSING = 'quay.io/containerdisks/ubuntu:24.04-typo';

jest.setTimeout(30_000);

/*
 * What a rollout has to work with, as KubeVirt's VMIRS controller does it
 * (pkg/virt-controller/watch/replicaset): the template is copied into a VMI only when the VMI is
 * created, so a template change rolls nothing; a VMI being deleted no longer counts as active,
 * so its replacement comes from the current template at once.
 */
describe('a VMIRS whose template changes', () => {
  const cluster = useTestCluster({ namespacePrefix: 'fleetsim-template' });
  let clock: SimulationClock;
  let gitlab: GitLabEmulator;
  let sim: FleetSimulator;
  let kube: TestKube;

  const vmis = () => kube.list<VmiObject>(...KV, 'virtualmachineinstances');

  beforeAll(async () => {
    clock = new SimulationClock({ timeScale: 100 });
    gitlab = await startGitLabEmulator({ clock: () => clock.now() });
    kube = new TestKube(cluster.kubeConfig(), cluster.namespace);
    sim = await startFleetSimulator({
      kubeConfig: cluster.kubeConfig('fleet-simulator'),
      gitlab: { url: gitlab.url, adminToken: gitlab.tokens.admin },
      clock,
      seed: 9,
      failureRate: 0,
      jobFailureRate: 0,
      unpullableImages: [MISSING],
      namespaces: [cluster.namespace],
      logger: testLogger(),
    });
    const runner = await createRunner(gitlab.apiUrl, gitlab.tokens.fleetBot, [
      'linux',
    ]);
    const toml = runnerConfigToml({
      url: gitlab.url,
      token: runner.token,
      concurrent: 2,
    });
    await kube.secret('rf-tpl-cloudinit', { userdata: cloudConfig(toml) });
  });

  afterAll(async () => {
    await sim?.stop();
    await gitlab?.stop();
  });

  it('keeps running VMIs on the old template; a deleted one is replaced from the new template, and an image no registry has never boots', async () => {
    const rs = linuxReplicaSet('rf-tpl', 'rf-tpl-cloudinit', 2);
    const labels = (
      rs.spec as { template: { metadata: { labels: Record<string, string> } } }
    ).template.metadata.labels;
    labels[HASH] = 'old';
    await kube.create(...KV, 'virtualmachineinstancereplicasets', rs);
    const before = await waitFor('2 Running VMIs', async () => {
      const running = (await vmis()).filter(v => v.status?.phase === 'Running');
      return running.length === 2 ? running : undefined;
    });
    expect(before.map(v => v.metadata.labels?.[HASH])).toEqual(['old', 'old']);

    // Read-modify-write as a client does: the controller writes the status meanwhile, so a
    // replace may meet a newer resourceVersion (409) and reads again.
    for (let attempt = 0; ; attempt++) {
      const current = await kube.get<VmirsObject>(
        ...KV,
        'virtualmachineinstancereplicasets',
        'rf-tpl',
      );
      const template = structuredClone(current!.spec.template);
      template.metadata = {
        ...template.metadata,
        labels: { ...template.metadata?.labels, [HASH]: 'new' },
      };
      template.spec.volumes = (template.spec.volumes ?? []).map(v =>
        v.containerDisk ? { ...v, containerDisk: { image: MISSING } } : v,
      );
      try {
        await kube.custom.replaceNamespacedCustomObject({
          group: KV[0],
          version: KV[1],
          plural: 'virtualmachineinstancereplicasets',
          namespace: cluster.namespace,
          name: 'rf-tpl',
          body: { ...current, spec: { ...current!.spec, template } },
        });
        break;
      } catch (error) {
        if (statusOf(error) !== 409 || attempt >= 5) {
          throw error;
        }
      }
    }
    // Give the controller time to act on the change: nothing rolls.
    await clock.sleep(60_000);
    const unchanged = await vmis();
    expect(unchanged.map(v => v.metadata.name).sort()).toEqual(
      before.map(v => v.metadata.name).sort(),
    );
    expect(unchanged.every(v => v.metadata.labels?.[HASH] === 'old')).toBe(
      true,
    );

    await kube.delete(
      ...KV,
      'virtualmachineinstances',
      before[0].metadata.name,
    );
    const replacement = await waitFor('a replacement VMI', async () =>
      (
        await vmis()
      ).find(v => !before.some(b => b.metadata.name === v.metadata.name)),
    );
    expect(replacement.metadata.labels?.[HASH]).toBe('new');
    // Ten simulated minutes later it still waits for its image.
    await clock.sleep(600_000);
    const stuck = (await vmis()).find(
      v => v.metadata.name === replacement.metadata.name,
    );
    expect(stuck?.status?.phase).toBe('Scheduling');
    const other = (await vmis()).find(
      v => v.metadata.name === before[1].metadata.name,
    );
    expect(other?.status?.phase).toBe('Running');
  });
});
