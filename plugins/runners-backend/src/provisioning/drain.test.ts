/*
 * A runner VM removed mid-job (scale-in, rollout, ghost replacement) on real parts: the product
 * renders and applies the pool, the fleet simulator boots its VMs from the product's own
 * cloud-init / sysprep and stops their guests as those boot media set shutdown up (systemd
 * drop-ins; the Windows Group Policy shutdown script), and the GitLab emulator holds the jobs.
 * A job that fits the maximum job duration finishes on the VM being deleted; a longer one is cut.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { CustomObjectsApi } from '@kubernetes/client-node';
import {
  FleetSimulator,
  startFleetSimulator,
} from '@runner-fleet/fleet-simulator';
import {
  GitLabEmulator,
  seedTokens,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { GitLabCiProvider } from '../ci';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  eventually,
  insertTestPool,
  newTeam,
  testRunnersConfig,
  testStore,
} from '../__testUtils__/stack';
import { KubernetesClusterClient } from './ClusterClient';
import { Reconciler } from './Reconciler';
import { createGoldenImage } from './__testUtils__/goldenImage';
import {
  drainTimings,
  MAX_JOB_SECONDS,
  teamNamespace,
  vmiRunnerSystemId,
} from './render';

const cluster = useTestCluster();
const databases = createTestDatabases();
const PROJECT = 'engineering/payments/payment-gateway';
/** Simulated seconds per real second: the hour-long drain budget takes under 4 s. */
const TIME_SCALE = 1000;

let emulator: GitLabEmulator | undefined;
let simulator: FleetSimulator | undefined;

afterEach(async () => {
  await simulator?.stop();
  await emulator?.stop();
});

interface Vmi {
  metadata: {
    name: string;
    uid: string;
    deletionTimestamp?: string;
  };
  spec: { domain?: { firmware?: { uuid?: string } } };
  status?: { phase?: string };
}

/** A one-VM pool of the given OS, provisioned by the product, its runner registered. */
async function startPool(os: 'linux' | 'windows') {
  emulator = await startGitLabEmulator();
  const logger = mockServices.logger.mock();
  const store = await testStore(databases);
  const config = testRunnersConfig(emulator.url);
  const team = newTeam();
  const tag = os === 'linux' ? 'docker' : 'windows';
  let flavor = 'm1.large';
  if (os === 'windows') {
    const windows = config.catalog.flavors.find(f => f.name === 'win.xlarge')!;
    config.catalog.flavors.push({
      ...windows,
      name: 'win.test',
      image: await createGoldenImage(cluster.kubeConfig('admin'), team),
    });
    flavor = 'win.test';
  }
  const reconciler = Reconciler.create({
    store,
    ci: GitLabCiProvider.create({ settings: config.gitlab!, logger }),
    config,
    logger,
    clusters: [
      KubernetesClusterClient.create({
        name: 'local',
        role: 'primary',
        kubeConfig: cluster.kubeConfig('runner-fleet-backend'),
      }),
    ],
  });
  const namespace = teamNamespace(team);
  const simLog: string[] = [];
  simulator = await startFleetSimulator({
    kubeConfig: cluster.kubeConfig('fleet-simulator'),
    gitlab: { url: emulator.url, adminToken: seedTokens.admin },
    timeScale: TIME_SCALE,
    seed: 11,
    failureRate: 0,
    jobFailureRate: 0,
    // Replicas stay where the product seeds them (min 1): no KEDA in this test.
    roles: { keda: false },
    namespaces: [namespace, 'runner-fleet-images'],
    logger: line => simLog.push(line),
  });
  const pool = await insertTestPool(store, config, {
    team,
    flavor,
    autoscaling: { minReplicas: 1, maxReplicas: 1 },
    tags: [tag],
  });
  const runnerId = await eventually(
    'a registered runner manager',
    async () => {
      await reconciler.reconcile(pool.id);
      const stored = (await store.getPool(pool.id))!;
      const runner = (await emulator!.control.runners()).find(
        r => r.id === stored.gitlabRunnerId,
      );
      return runner && runner.managers.length > 0 ? runner.id : undefined;
    },
    id => id !== undefined,
    60_000,
  ).catch(error => {
    throw new Error(
      `${error.message}\nsimulator:\n${simLog.slice(-30).join('\n')}`,
    );
  });
  const vmis = cluster.kubeConfig('admin').makeApiClient(CustomObjectsApi);
  const listVmis = async () =>
    (
      (await vmis.listNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        plural: 'virtualmachineinstances',
        namespace,
      })) as { items: Vmi[] }
    ).items;
  return {
    tag,
    runnerId: runnerId!,
    listVmis,
    deleteVmi: (name: string) =>
      vmis.deleteNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        plural: 'virtualmachineinstances',
        namespace,
        name,
      }),
    ref: (name: string) => `VirtualMachineInstance ${namespace}/${name}`,
  };
}

/**
 * Enqueues one job, waits until a VM runs it, deletes that VM's VMI as a scale-in would, and
 * follows both until the VMI is gone. Returns the job as GitLab has it then and what was seen.
 */
async function deleteMidJob(
  stack: Awaited<ReturnType<typeof startPool>>,
  os: 'linux' | 'windows',
  durationSeconds: number,
) {
  const { jobs } = await emulator!.control.enqueueJobs({
    project: PROJECT,
    tags: [stack.tag],
    durationSeconds,
  });
  const jobId = jobs[0].id;
  const job = async () =>
    (await emulator!.control.jobs({ runnerId: stack.runnerId })).find(
      j => j.id === jobId,
    );
  const running = await eventually(
    'the job running',
    job,
    j => j?.status === 'running',
    30_000,
  );
  const manager = (await emulator!.control.runners())
    .find(r => r.id === stack.runnerId)!
    .managers.find(m => m.id === running!.runnerManagerId)!;
  const vmi = (await stack.listVmis()).find(
    v =>
      v.status?.phase === 'Running' &&
      vmiRunnerSystemId(v, os) === manager.systemId,
  );
  expect(vmi).toBeDefined();
  await stack.deleteVmi(vmi!.metadata.name);

  // Until the VMI is gone, note whether the job ran on while its VM was shutting down.
  let ranWhileTerminating = false;
  await eventually(
    'the deleted VMI gone',
    async () => {
      const current = (await stack.listVmis()).find(
        v => v.metadata.uid === vmi!.metadata.uid,
      );
      if (
        current?.metadata.deletionTimestamp &&
        (await job())?.status === 'running'
      )
        ranWhileTerminating = true;
      return current;
    },
    current => current === undefined,
    // The budget is ~1 h simulated: ~3.7 s here, plus a busy machine's margin.
    30_000,
  );
  const vmiEvents = () =>
    simulator!.events().filter(e => e.object === stack.ref(vmi!.metadata.name));
  // The simulator records the stop after the VMI object is gone: wait for it on a busy machine.
  const events = await eventually(
    'the stop recorded',
    async () => vmiEvents(),
    found => found.some(e => e.type === 'vmi-stopped'),
    10_000,
  ).catch(() => vmiEvents());
  return { final: (await job())!, ranWhileTerminating, events };
}

describe.each(['linux', 'windows'] as const)(
  '%s runner VM deleted mid-job',
  os => {
    it('finishes a job that fits the maximum job duration within the grace period, and cuts one longer than that', async () => {
      const stack = await startPool(os);
      const { runnerStopSeconds } = drainTimings();

      // Half the maximum job duration: the guest's drain lets it finish.
      const fits = await deleteMidJob(stack, os, MAX_JOB_SECONDS / 2);
      expect(fits.ranWhileTerminating).toBe(true);
      expect(fits.final).toMatchObject({ status: 'success' });
      expect(fits.final.finishedAt).not.toBeNull();
      expect(fits.events.map(e => e.type)).toEqual(
        expect.arrayContaining(['runner-draining', 'vmi-stopped']),
      );
      expect(fits.events.map(e => e.type)).not.toContain('runner-jobs-cut');
      const draining = fits.events.find(e => e.type === 'runner-draining')!;
      expect(draining.message).toContain(`at most ${runnerStopSeconds} s`);

      // Longer than the maximum plus the drain margin: cut when the guest's budget ends, and
      // GitLab never hears the job finish (it stays running until GitLab drops it as stuck).
      const tooLong = await deleteMidJob(stack, os, runnerStopSeconds + 600);
      const cut = tooLong.events.find(e => e.type === 'runner-jobs-cut');
      expect(cut?.message).toMatch(/with 1 job\(s\) running/);
      expect(tooLong.final).toMatchObject({
        status: 'running',
        finishedAt: null,
      });
    }, 120_000);
  },
);
