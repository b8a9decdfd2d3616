import {
  ControlPlane,
  createNamespace,
  startControlPlane,
} from '@runner-fleet/testenv';
import {
  Manifest,
  testLogger,
  TestKube,
  waitFor,
} from '../__testUtils__/cluster';
import { linuxReplicaSet } from '../__testUtils__/manifests';
import {
  MetricsServer,
  startMetricsServer,
} from '../__testUtils__/metricsServer';
import { ScaledObject } from '../keda/types';
import { VmirsObject } from '../kubevirt/types';
import { FleetSimulator, startFleetSimulator } from '../startFleetSimulator';

/*
 * The real KEDA 2.21 operator and metrics server and the real HPA of kube-controller-manager
 * 1.35 (packages/testenv startControllers), on wall-clock time. The simulator plays only KubeVirt
 * (VMIs and the VMIRS status the HPA reads through /scale).
 *
 * Not in the default run: `yarn test:real-controllers`. The binaries come from
 * tools/k8s-testenv/build-controllers.sh (cold build: see tools/k8s-testenv/README.md), and the
 * file takes ~3 minutes of real time.
 */
jest.setTimeout(240_000);

const KV = ['kubevirt.io', 'v1'] as const;
const KEDA = ['keda.sh', 'v1alpha1'] as const;
const NS = 'real-keda';

/**
 * A ScaledObject shaped like the backend's: busy slots at 30% of 4, pending jobs per 4 slots. The
 * burst one (renderScaledObject's `burst` role) reads the primary's overflow figures, min 0.
 */
function scaledObject(
  name: string,
  url: string,
  auth: string,
  burst?: { maxReplicaCount: number },
): Manifest {
  const at = (field: string) => (burst ? `overflow.${field}` : field);
  const trigger = (
    triggerName: string,
    valueLocation: string,
    targetValue: string,
  ) => ({
    type: 'metrics-api',
    name: triggerName,
    metricType: 'AverageValue',
    metadata: {
      url,
      format: 'json',
      valueLocation,
      targetValue,
      activationTargetValue: '0',
      authMode: 'bearer',
    },
    authenticationRef: { name: auth },
  });
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name },
    spec: {
      scaleTargetRef: {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachineInstanceReplicaSet',
        name,
      },
      pollingInterval: 5,
      cooldownPeriod: 20,
      minReplicaCount: 0,
      maxReplicaCount: burst?.maxReplicaCount ?? 10,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            scaleUp: {
              stabilizationWindowSeconds: 0,
              selectPolicy: 'Max',
              policies: [
                { type: 'Percent', value: 100, periodSeconds: 60 },
                { type: 'Pods', value: 4, periodSeconds: 60 },
              ],
            },
            scaleDown: {
              stabilizationWindowSeconds: 30,
              selectPolicy: 'Max',
              policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
            },
          },
        },
      },
      triggers: [
        trigger('busy-job-slots', at('busyJobSlots'), '1.2'),
        trigger('pending-jobs', at('pendingJobs'), '4'),
      ],
    },
  };
}

function triggerAuthentication(name: string, secret: string): Manifest {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: { name },
    spec: {
      secretTargetRef: [{ parameter: 'token', name: secret, key: 'token' }],
    },
  };
}

describe('real KEDA + HPA', () => {
  let plane: ControlPlane;
  let sim: FleetSimulator;
  let kube: TestKube;
  let metrics: MetricsServer;

  const replicas = async (name: string) =>
    (
      await kube.get<VmirsObject>(
        ...KV,
        'virtualmachineinstancereplicasets',
        name,
      )
    )?.spec.replicas;
  const status = async (name: string) =>
    (await kube.get<ScaledObject>(...KEDA, 'scaledobjects', name))?.status;
  const condition = async (name: string, type: string) =>
    (await status(name))?.conditions?.find(c => c.type === type);

  beforeAll(async () => {
    plane = await startControlPlane({
      controllers: { hpaSyncPeriod: '5s' },
      timeoutMs: 120_000,
      log: testLogger(),
    });
    await createNamespace(plane.kubeConfig('admin'), NS);
    kube = new TestKube(plane.kubeConfig('admin'), NS);
    metrics = await startMetricsServer('metrics-token');
    sim = await startFleetSimulator({
      kubeConfig: plane.kubeConfig('fleet-simulator'),
      gitlab: { url: 'http://127.0.0.1:1', adminToken: 'unused' },
      timeScale: 1,
      seed: 5,
      bootTime: 1,
      failureRate: 0,
      roles: { keda: false, runner: false, cdi: false },
      namespaces: [NS],
      logger: testLogger(),
    });
    await kube.secret('rf-real-metrics-auth', { token: 'metrics-token' });
    await kube.create(
      ...KEDA,
      'triggerauthentications',
      triggerAuthentication('rf-real-metrics', 'rf-real-metrics-auth'),
    );
    await kube.create(
      ...KV,
      'virtualmachineinstancereplicasets',
      linuxReplicaSet('rf-real', 'none', 0),
    );
    await kube.create(
      ...KEDA,
      'scaledobjects',
      scaledObject('rf-real', metrics.url, 'rf-real-metrics'),
    );
  });

  afterAll(async () => {
    await sim?.stop();
    await metrics?.stop();
    await plane?.stop();
  });

  it('KEDA makes the ScaledObject Ready, creates its HPA and reads our endpoint with the token', async () => {
    await waitFor(
      'Ready',
      async () => (await condition('rf-real', 'Ready'))?.status === 'True',
      60_000,
    );
    expect(await status('rf-real')).toMatchObject({
      hpaName: 'keda-hpa-rf-real',
      externalMetricNames: [
        's0-metric-api-busyJobSlots',
        's1-metric-api-pendingJobs',
      ],
    });
    await waitFor('a metrics request', () => metrics.requests > 0, 30_000);
    expect(metrics.unauthorized).toBe(0);
    expect(await replicas('rf-real')).toBe(0);
  });

  it('scales out when busy slots pass the threshold: 6 busy / 1.2 → 5 VMs (KEDA 0→1, HPA 1→5)', async () => {
    metrics.set({ busyJobSlots: 6 });
    const seen = new Set<number>();
    await waitFor(
      '5 replicas',
      async () => {
        const now = await replicas('rf-real');
        if (now !== undefined) seen.add(now);
        return now === 5;
      },
      90_000,
    );
    expect(Math.max(...seen)).toBe(5);
  });

  it('scales to zero after cooldownPeriod and wakes on one pending job', async () => {
    metrics.set({ busyJobSlots: 0, pendingJobs: 0 });
    await waitFor(
      '0 replicas',
      async () => (await replicas('rf-real')) === 0,
      120_000,
    );
    metrics.set({ pendingJobs: 1 });
    await waitFor(
      '1 replica',
      async () => (await replicas('rf-real')) === 1,
      60_000,
    );
    expect(await condition('rf-real', 'Active')).toMatchObject({
      status: 'True',
    });
  });

  it('the burst ScaledObject takes the overflow, stops at its max and returns to zero', async () => {
    await kube.create(
      ...KV,
      'virtualmachineinstancereplicasets',
      linuxReplicaSet('rf-real-burst', 'none', 0),
    );
    await kube.create(
      ...KEDA,
      'scaledobjects',
      scaledObject('rf-real-burst', metrics.url, 'rf-real-metrics', {
        maxReplicaCount: 3,
      }),
    );
    await waitFor(
      'burst Ready',
      async () =>
        (await condition('rf-real-burst', 'Ready'))?.status === 'True',
      60_000,
    );
    expect(await replicas('rf-real-burst')).toBe(0);
    // 8 jobs the primary cannot take: 8 / 4 per VM → 2 burst VMs.
    metrics.set({ overflow: { busyJobSlots: 0, pendingJobs: 8 } });
    await waitFor(
      '2 burst replicas',
      async () => (await replicas('rf-real-burst')) === 2,
      90_000,
    );
    // 40 would want 10; the burst ScaledObject's max is 3.
    metrics.set({ overflow: { busyJobSlots: 0, pendingJobs: 40 } });
    await waitFor(
      '3 burst replicas',
      async () => (await replicas('rf-real-burst')) === 3,
      90_000,
    );
    await new Promise(r => setTimeout(r, 15_000));
    expect(await replicas('rf-real-burst')).toBe(3);
    metrics.set({ overflow: { busyJobSlots: 0, pendingJobs: 0 } });
    await waitFor(
      'burst back to 0',
      async () => (await replicas('rf-real-burst')) === 0,
      120_000,
    );
  });

  it('a wrong token fails visibly: Ready False (TriggerError), 401s at our endpoint, nothing scaled', async () => {
    await kube.secret('rf-wrong-auth', { token: 'not-the-token' });
    await kube.create(
      ...KEDA,
      'triggerauthentications',
      triggerAuthentication('rf-wrong', 'rf-wrong-auth'),
    );
    await kube.create(
      ...KV,
      'virtualmachineinstancereplicasets',
      linuxReplicaSet('rf-wrong', 'none', 0),
    );
    const before = metrics.unauthorized;
    await kube.create(
      ...KEDA,
      'scaledobjects',
      scaledObject('rf-wrong', metrics.url, 'rf-wrong'),
    );
    await waitFor('a 401', () => metrics.unauthorized > before, 30_000);
    const ready = await waitFor(
      'Ready False',
      () =>
        condition('rf-wrong', 'Ready').then(c =>
          c?.status === 'False' ? c : undefined,
        ),
      60_000,
    );
    expect(ready.reason).toBe('TriggerError');
    expect(await replicas('rf-wrong')).toBe(0);
  });
});
