/*
 * The whole provisioning path on real parts: the reconciler writes to a real kube-apiserver
 * with the upstream CRDs, the fleet simulator plays KubeVirt, KEDA and gitlab-runner on what it
 * wrote, gitlab-runner registers with the GitLab emulator using the token from our cloud-init,
 * KEDA scales on the product's own scaling signal, and the fleet cache and CI poller see it all.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  startFleetSimulator,
  FleetSimulator,
} from '@runner-fleet/fleet-simulator';
import {
  GitLabEmulator,
  seedTokens,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { GitLabCiProvider } from '../ci';
import { CiPoller } from '../fleet/CiPoller';
import { FleetCache } from '../fleet/FleetCache';
import { FleetService } from '../fleet/FleetService';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  eventually,
  insertTestPool,
  newTeam,
  testHistoryStore,
  testRunnersConfig,
  testStore,
} from '../__testUtils__/stack';
import { KubernetesClusterClient } from './ClusterClient';
import { Reconciler } from './Reconciler';
import { teamNamespace, vmiRunnerSystemId } from './render';

const cluster = useTestCluster();
const databases = createTestDatabases();
const SCALING_TOKEN = 'full-stack-scaling-token';

let emulator: GitLabEmulator;
let simulator: FleetSimulator | undefined;
let metricsServer: Server | undefined;
let cache: FleetCache | undefined;

afterEach(async () => {
  await simulator?.stop();
  await cache?.stop();
  await new Promise(resolve =>
    metricsServer ? metricsServer.close(resolve) : resolve(undefined),
  );
  await emulator?.stop();
});

/**
 * The stack for one test: the GitLab emulator, the product's store, reconciler, fleet cache and
 * FleetService, the product's scaling endpoint (served from FleetService with bearer auth), and
 * the fleet simulator scoped to a fresh team's namespace (plus the golden-image namespace).
 */
async function startStack() {
  emulator = await startGitLabEmulator();
  const logger = mockServices.logger.mock();
  const store = await testStore(databases);

  // The product's scaling endpoint, served from the product's FleetService with bearer auth.
  const served: { fleet?: FleetService } = {};
  metricsServer = createServer(async (req, res) => {
    const id = /\/api\/runners\/scaling\/pools\/([^/?]+)/.exec(
      req.url ?? '',
    )?.[1];
    if (req.headers.authorization !== `Bearer ${SCALING_TOKEN}`) {
      res.writeHead(401).end();
      return;
    }
    const pool = id && (await store.getPool(id));
    if (!pool || !served.fleet) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify(served.fleet.scaling(pool)));
  });
  await new Promise<void>(resolve =>
    metricsServer!.listen(0, '127.0.0.1', resolve),
  );
  const metricsUrl = `http://127.0.0.1:${
    (metricsServer.address() as AddressInfo).port
  }`;

  const config = testRunnersConfig(emulator.url, {
    scalingMetrics: { token: SCALING_TOKEN, baseUrl: metricsUrl },
    autoscaling: {
      pollingIntervalSeconds: 15,
      scaleDownStabilizationSeconds: 300,
      cooldownSeconds: 300,
    },
  });
  const kubeConfig = cluster.kubeConfig('runner-fleet-backend');
  const ci = GitLabCiProvider.create({ settings: config.gitlab!, logger });
  const reconciler = Reconciler.create({
    store,
    ci,
    config,
    logger,
    clusters: [
      KubernetesClusterClient.create({
        name: 'local',
        role: 'primary',
        kubeConfig,
      }),
    ],
  });
  cache = FleetCache.create({
    clusters: [{ name: 'local', kubeConfig }],
    logger,
  });
  await cache.start();
  const fleet = FleetService.create({
    store,
    cache,
    poller: CiPoller.create({ ci, logger }),
    history: await testHistoryStore(databases),
    clusters: { primary: 'local' },
    logger,
  });
  served.fleet = fleet;

  const team = newTeam();
  const simLog: string[] = [];
  simulator = await startFleetSimulator({
    kubeConfig: cluster.kubeConfig('fleet-simulator'),
    gitlab: { url: emulator.url, adminToken: seedTokens.admin },
    timeScale: 200,
    seed: 7,
    failureRate: 0,
    jobFailureRate: 0,
    namespaces: [teamNamespace(team), 'runner-fleet-images'],
    logger: line => simLog.push(line),
  });

  return { store, config, reconciler, fleet, team, simLog };
}

it('a Linux pool boots in the simulator, registers with our token, reaches ready and scales on demand', async () => {
  const { store, config, reconciler, fleet, team, simLog } = await startStack();
  // m1.large: 2 job slots per VM.
  const pool = await insertTestPool(store, config, {
    team,
    autoscaling: { minReplicas: 2, maxReplicas: 4 },
    tags: ['docker'],
  });

  const pass = async () => {
    await fleet.refresh();
    await reconciler.reconcile(pool.id);
    return (await store.getPool(pool.id))!;
  };
  const ready = await eventually(
    'pool ready',
    pass,
    p => p.state === 'ready',
  ).catch(e => {
    throw new Error(
      `${e.message}\nsimulator:\n${simLog.slice(-40).join('\n')}`,
    );
  });
  expect(ready.stateCode).toBe('Ready');
  expect(ready.stateReason).toMatch(/^[2-4] of [2-4] VMs ready/);

  // Every VM's runner registered with GitLab using the token our cloud-init carries.
  const managers = async () =>
    (await emulator.control.runners()).find(r => r.id === ready.gitlabRunnerId)
      ?.managers ?? [];
  const registered = await eventually(
    '2 managers',
    managers,
    m => m.length >= 2,
  );
  // Paired by the system_id the simulated gitlab-runner read from the .runner_system_id our
  // cloud-init script wrote (a missing or wrong file gives a random r_ id and fails here).
  const vmIds = fleet
    .vmisOf(pool.id)
    .map(v => vmiRunnerSystemId(v.vmi, 'linux'));
  expect(registered.map(m => m.systemId).every(s => vmIds.includes(s))).toBe(
    true,
  );
  await fleet.refresh();
  const paired = (await fleet.poolDetail(ready, [])).vms.filter(
    vm => vm.manager,
  );
  expect(paired.length).toBeGreaterThanOrEqual(2);

  // Demand: 8 pending docker jobs → KEDA (simulated, reading our signal) scales to the maximum.
  await emulator.control.enqueueJobs({
    project: 'engineering/payments/payment-gateway',
    count: 8,
    tags: ['docker'],
    durationSeconds: 3600,
  });
  const health = await eventually(
    'scaled to 4',
    async () => {
      await pass();
      return fleet.poolHealth((await store.getPool(pool.id))!);
    },
    h => h.replicas.desired === 4 && h.replicas.ready === 4,
  );
  expect(health.utilization.busySlots).toBeGreaterThan(0);
  expect(health.bootSeconds.samples).toBeGreaterThanOrEqual(2);
}, 120_000);

it('a Windows pool clones the golden image once per VM and its runners register from sysprep', async () => {
  const { store, config, reconciler, fleet, team } = await startStack();
  // The golden image: a DataSource over a PVC in the images namespace, as an import would leave it.
  const admin = cluster.kubeConfig('admin');
  await admin.makeApiClient(CoreV1Api).createNamespacedPersistentVolumeClaim({
    namespace: 'runner-fleet-images',
    body: {
      metadata: { name: `golden-${team}` },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '60Gi' } },
      },
    },
  });
  await admin.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: 'cdi.kubevirt.io',
    version: 'v1beta1',
    plural: 'datasources',
    namespace: 'runner-fleet-images',
    body: {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataSource',
      metadata: { name: `windows-golden-${team}` },
      spec: {
        source: {
          pvc: { namespace: 'runner-fleet-images', name: `golden-${team}` },
        },
      },
    },
  });
  const windows = {
    ...config.catalog.flavors.find(f => f.name === 'win.xlarge')!,
    image: `runner-fleet-images/windows-golden-${team}`,
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
      spec: { sourceRef?: { name: string } };
      status?: { phase?: string };
    }>;
  };
  expect(dataVolumes.items.map(d => d.metadata.name).sort()).toEqual([
    'rf-builds-disk-0',
    'rf-builds-disk-1',
  ]);
  for (const dv of dataVolumes.items) {
    expect(dv.spec.sourceRef?.name).toBe(`windows-golden-${team}`);
    expect(dv.status?.phase).toBe('Succeeded');
  }
  const managers = await eventually(
    'windows managers',
    async () =>
      (
        await emulator.control.runners()
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
  await admin.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: 'cdi.kubevirt.io',
    version: 'v1beta1',
    plural: 'datasources',
    namespace: 'runner-fleet-images',
    body: {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataSource',
      metadata: { name: image },
      spec: {
        source: { pvc: { namespace: 'runner-fleet-images', name: image } },
      },
    },
  });
  await eventually(
    'not-ready golden image reported',
    pass,
    p => p.stateCode === 'GoldenImageNotReady',
  );
  await admin.makeApiClient(CoreV1Api).createNamespacedPersistentVolumeClaim({
    namespace: 'runner-fleet-images',
    body: {
      metadata: { name: image },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '60Gi' } },
      },
    },
  });
  const ready = await eventually(
    'windows pool ready once the image exists',
    pass,
    p => p.state === 'ready',
    60_000,
  );
  expect(ready.stateCode).not.toMatch(/^GoldenImage/);
}, 120_000);

it('deleting a pool with a running job drains it: the job finishes with success, then the VMs and the runner go', async () => {
  const { store, config, reconciler, fleet, team } = await startStack();
  const pool = await insertTestPool(store, config, {
    team,
    autoscaling: { minReplicas: 1, maxReplicas: 1 },
    tags: ['docker'],
  });
  await eventually(
    'pool ready',
    async () => {
      await fleet.refresh();
      await reconciler.reconcile(pool.id);
      return (await store.getPool(pool.id))!;
    },
    p => p.state === 'ready',
    60_000,
  );
  const runnerId = (await store.getPool(pool.id))!.gitlabRunnerId!;
  // 20 simulated minutes: 6 s at time scale 200.
  const { jobs } = await emulator.control.enqueueJobs({
    project: 'engineering/payments/payment-gateway',
    tags: ['docker'],
    durationSeconds: 1200,
  });
  const jobOf = async () =>
    (await emulator.control.jobs({ runnerId })).find(j => j.id === jobs[0].id);
  await eventually('job running', jobOf, j => j?.status === 'running', 30_000);

  // The user deletes the pool while the job runs.
  const current = (await store.getPool(pool.id))!;
  await store.updatePool(
    pool.id,
    current.version,
    { deleteRequested: { force: false } },
    {
      state: 'deleting',
      reason: 'test',
      code: 'Draining',
      actor: 'user:default/test',
    },
  );
  const draining = await reconciler.reconcile(pool.id);
  expect(draining).toMatchObject({ state: 'deleting' });
  expect(draining!.requeueAfterMs).toBeGreaterThan(0);
  const stored = (await store.getPool(pool.id))!;
  expect(stored.stateCode).toBe('Draining');
  expect(stored.stateReason).toContain('waiting for 1 running job');
  expect(stored.stateReason).toContain(`#${jobs[0].id}`);
  // Paused: GitLab hands it no new job, and its VM still runs.
  const runner = (await emulator.control.runners()).find(
    r => r.id === runnerId,
  );
  expect(runner?.active).toBe(false);
  expect(fleet.vmisOf(pool.id).length).toBeGreaterThan(0);

  const finished = await eventually(
    'job finished',
    jobOf,
    j => j?.status !== 'running',
    60_000,
  );
  expect(finished?.status).toBe('success');
  const done = await reconciler.reconcile(pool.id);
  expect(done).toMatchObject({ state: 'deleted' });
  expect((await emulator.control.runners()).some(r => r.id === runnerId)).toBe(
    false,
  );
}, 120_000);
