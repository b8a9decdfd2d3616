/*
 * Rolling replacement on real parts: the reconciler renders and applies the pool to a real
 * kube-apiserver, the fleet simulator plays KubeVirt's VMIRS (which never rolls existing VMIs)
 * and gitlab-runner in every VM (graceful SIGQUIT drain on VM shutdown), the GitLab emulator
 * holds runners, managers and jobs, and the rollout state lives in the plugin's database.
 * Replicas stay where the product seeds them (no KEDA here), as with a pool at its bounds.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  FleetSimulator,
  startFleetSimulator,
} from '@runner-fleet/fleet-simulator';
import {
  GitLabEmulator,
  seedTokens,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { LABELS } from '@runner-fleet/plugin-runners-common';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { GitLabCiProvider } from '../ci';
import { DatabasePoolStore } from '../database/DatabasePoolStore';
import { DatabaseRolloutStore } from '../database/DatabaseRolloutStore';
import { RolloutRecord } from '../database/RolloutStore';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  changePool,
  eventually,
  insertTestPool,
  newTeam,
  testRunnersConfig,
} from '../__testUtils__/stack';
import { KubernetesClusterClient } from './ClusterClient';
import { Reconciler } from './Reconciler';
import { teamNamespace } from './render';
import { abortRollout } from './rollout/abortRollout';

const cluster = useTestCluster();
const databases = createTestDatabases();
const PROJECT = 'engineering/payments/payment-gateway';
/** Simulated seconds per real second: a 45 s boot takes ~0.2 s, a 20 min job 6 s. */
const TIME_SCALE = 200;
const BAD_IMAGE = 'registry.example.com/runners/ubuntu-24.04:does-not-exist';

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
    labels: Record<string, string>;
    deletionTimestamp?: string;
  };
  status?: { phase?: string };
}

async function startStack(options: {
  replicas: number;
  scaleToZero?: boolean;
  rolloutDeadlineMs?: number;
}) {
  emulator = await startGitLabEmulator();
  const logger = mockServices.logger.mock();
  const knex = await databases.init('SQLITE_3');
  const database = mockServices.database({ knex, migrations: { skip: false } });
  const store = await DatabasePoolStore.create({ database });
  const rollouts = await DatabaseRolloutStore.create({ database });
  const config = testRunnersConfig(emulator.url);
  const large = config.catalog.flavors.find(f => f.name === 'm1.large')!;
  config.catalog.flavors.push({
    ...large,
    name: 'm1.broken',
    image: BAD_IMAGE,
  });
  const team = newTeam();
  const namespace = teamNamespace(team);
  const makeReconciler = () =>
    Reconciler.create({
      store,
      ci: GitLabCiProvider.create({ settings: config.gitlab!, logger }),
      config,
      logger,
      rollouts,
      rolloutDeadlineMs: options.rolloutDeadlineMs ?? 60_000,
      rolloutPollMs: 100,
      clusters: [
        KubernetesClusterClient.create({
          name: 'local',
          role: 'primary',
          kubeConfig: cluster.kubeConfig('runner-fleet-backend'),
        }),
      ],
    });
  const simLog: string[] = [];
  simulator = await startFleetSimulator({
    kubeConfig: cluster.kubeConfig('fleet-simulator'),
    gitlab: { url: emulator.url, adminToken: seedTokens.admin },
    timeScale: TIME_SCALE,
    seed: 5,
    failureRate: 0,
    jobFailureRate: 0,
    unpullableImages: [BAD_IMAGE],
    roles: { keda: false },
    namespaces: [namespace],
    logger: line => simLog.push(line),
  });
  const pool = await insertTestPool(store, config, {
    team,
    autoscaling: {
      minReplicas: options.replicas,
      maxReplicas: Math.max(options.replicas, 1),
      scaleToZero: options.scaleToZero ?? false,
    },
    tags: ['docker'],
  });
  const api = cluster.kubeConfig('admin').makeApiClient(CustomObjectsApi);
  const listVmis = async () =>
    (
      (await api.listNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        plural: 'virtualmachineinstances',
        namespace,
      })) as { items: Vmi[] }
    ).items;
  let reconciler = makeReconciler();
  /** What KEDA would do through `/scale` (there is no KEDA in these tests). */
  const scaleTo = (replicas: number) =>
    api.patchNamespacedCustomObjectScale(
      {
        group: 'kubevirt.io',
        version: 'v1',
        plural: 'virtualmachineinstancereplicasets',
        namespace,
        name: 'rf-builds',
        body: { spec: { replicas } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  const stack = {
    store,
    rollouts,
    config,
    pool,
    listVmis,
    scaleTo,
    simLog,
    /** A new reconciler, as after a backend restart: nothing in memory survives. */
    restart: () => {
      reconciler = makeReconciler();
    },
    pass: () => reconciler.reconcile(pool.id),
    rollout: () => rollouts.get(pool.id),
    abort: () =>
      abortRollout({ store, rollouts }, pool.id, 'user:default/test'),
    managers: async () => {
      const stored = (await store.getPool(pool.id))!;
      return (
        (await emulator!.control.runners()).find(
          r => r.id === stored.gitlabRunnerId,
        )?.managers ?? []
      );
    },
    changeFlavor: async (name: string) => {
      const current = (await store.getPool(pool.id))!;
      const flavor = config.catalog.flavors.find(f => f.name === name)!;
      await changePool(store, pool.id, {
        spec: { ...current.spec, flavor: name },
        flavor,
        bumpGeneration: true,
      });
    },
    /** Runs passes until `done` says so, as the worker would on requeue. */
    until: async <T>(
      what: string,
      check: () => Promise<T>,
      done: (value: T) => boolean,
      timeoutMs = 60_000,
      onEach?: () => Promise<void>,
    ) =>
      eventually(
        what,
        async () => {
          await reconciler.reconcile(pool.id).catch(() => undefined);
          await onEach?.();
          return check();
        },
        done,
        timeoutMs,
      ).catch(error => {
        throw new Error(
          `${error.message}\nsimulator:\n${simLog.slice(-25).join('\n')}`,
        );
      }),
  };
  if (options.replicas > 0) {
    await stack.until(
      `${options.replicas} registered runner managers`,
      async () => (await stack.managers()).length,
      n => n >= options.replicas,
    );
  } else {
    await stack.until('the pool ready', stack.rollout, r => !!r);
  }
  return stack;
}

const hashOf = (vmi: Vmi) => vmi.metadata.labels[LABELS.templateHash];
const done = (r: RolloutRecord | undefined) =>
  r?.phase === 'stable' && r.reason !== 'UpToDate';

describe('rolling replacement of a pool', () => {
  it('replaces every VM of a busy pool after a flavor change, idle VMs first, without killing a job or dropping below its replicas', async () => {
    const stack = await startStack({ replicas: 3 });
    const before = await stack.listVmis();
    expect(before).toHaveLength(3);
    const oldHash = hashOf(before[0]);

    // Two long jobs on a three-VM pool: two busy VMs (one job each), one idle.
    const { jobs } = await emulator!.control.enqueueJobs({
      project: PROJECT,
      tags: ['docker'],
      durationSeconds: 1200,
      count: 2,
    });
    await eventually(
      'both jobs running',
      () => emulator!.control.jobs({}),
      all =>
        jobs.every(j => all.find(a => a.id === j.id)?.status === 'running'),
      30_000,
    );

    await stack.changeFlavor('m1.xlarge');
    let fewest = Infinity;
    const final = await stack.until(
      'the rollout complete',
      stack.rollout,
      done,
      90_000,
      async () => {
        // Old VMs that drain still run their jobs: they count until they are gone.
        fewest = Math.min(fewest, (await stack.listVmis()).length);
      },
    );
    expect(final).toMatchObject({ reason: 'Complete', replaced: 3 });

    const after = await stack.listVmis();
    expect(after).toHaveLength(3);
    for (const vmi of after) {
      expect(hashOf(vmi)).not.toBe(oldHash);
      expect(vmi.metadata.labels[LABELS.flavor]).toBe('m1.xlarge');
    }
    // The VMIRS replaced each retired VM at once: never fewer than 3 VMs running or finishing jobs.
    expect(fewest).toBe(3);
    // No job was cut: both finished successfully on their draining VMs.
    const all = await emulator!.control.jobs({});
    for (const job of jobs) {
      expect(all.find(a => a.id === job.id)).toMatchObject({
        status: 'success',
      });
    }
    const events = simulator!.events();
    expect(events.filter(e => e.type === 'runner-jobs-cut')).toEqual([]);
    // Idle first: the first VM to shut down ran no job.
    const firstDrain = events.find(e => e.type === 'runner-draining')!;
    expect(firstDrain.message).toMatch(/^draining: 0 job\(s\) running/);

    const timeline = await stack.store.listEvents(stack.pool.id, {
      limit: 50,
    });
    const reasons = timeline.map(e => e.reason);
    expect(reasons.some(r => r.startsWith('rollout started: 3 VMs of 3'))).toBe(
      true,
    );
    expect(reasons.some(r => r.startsWith('rollout complete'))).toBe(true);
    // Replacements booting is the rollout at work, not a degraded pool.
    expect(timeline.filter(e => e.state === 'degraded')).toEqual([]);

    // Idempotent afterwards: another pass writes nothing to the rollout.
    await stack.pass();
    expect((await stack.rollout())!.version).toBe(final!.version);
  }, 150_000);

  it('rolls a pool at zero replicas instantly', async () => {
    const stack = await startStack({ replicas: 0, scaleToZero: true });
    await stack.scaleTo(0);
    await eventually('no VMs', stack.listVmis, v => v.length === 0, 30_000);
    await stack.changeFlavor('m1.xlarge');
    await stack.pass();
    expect(await stack.rollout()).toMatchObject({
      phase: 'stable',
      reason: 'Instant',
    });
  }, 60_000);

  it('halts with a reason when new VMs do not boot in time, keeps the old VMs serving, and an abort returns to the old template', async () => {
    const stack = await startStack({ replicas: 2, rolloutDeadlineMs: 2_000 });
    const oldHash = hashOf((await stack.listVmis())[0]);
    await stack.changeFlavor('m1.broken');
    const halted = await stack.until(
      'the rollout halted',
      stack.rollout,
      r => r?.phase === 'halted',
      30_000,
    );
    expect(halted!.reason).toBe('NewVmsNotRegistered');
    expect(halted!.message).toMatch(/did not register with GitLab within/);
    // Only the first surge-sized step was taken: one old VM left, still serving.
    const vmis = (await stack.listVmis()).filter(
      v => !v.metadata.deletionTimestamp,
    );
    expect(vmis.filter(v => hashOf(v) === oldHash)).toHaveLength(1);
    expect(vmis.filter(v => v.status?.phase === 'Scheduling')).toHaveLength(1);

    await stack.abort();
    const aborted = await stack.until(
      'the abort complete',
      stack.rollout,
      done,
      60_000,
    );
    expect(aborted).toMatchObject({ reason: 'Aborted', phase: 'stable' });
    const back = (await stack.listVmis()).filter(
      v => !v.metadata.deletionTimestamp,
    );
    expect(back).toHaveLength(2);
    expect(back.every(v => hashOf(v) === oldHash)).toBe(true);
    expect((await stack.store.getPool(stack.pool.id))!.spec.flavor).toBe(
      'm1.large',
    );
  }, 120_000);

  it('resumes a rollout after a backend restart mid-way', async () => {
    const stack = await startStack({ replicas: 3 });
    const oldHash = hashOf((await stack.listVmis())[0]);
    await stack.changeFlavor('m1.xlarge');
    await stack.until(
      'the rollout under way',
      stack.rollout,
      r => r?.phase === 'rolling' && r.replaced >= 1,
      30_000,
    );
    const mid = (await stack.rollout())!;
    stack.restart();
    const final = await stack.until(
      'the rollout complete',
      stack.rollout,
      done,
      90_000,
    );
    expect(final).toMatchObject({ reason: 'Complete' });
    expect(final!.startedAt).toBe(mid.startedAt);
    expect((await stack.listVmis()).every(v => hashOf(v) !== oldHash)).toBe(
      true,
    );
  }, 150_000);
});
