import {
  ControlPlane,
  createNamespace,
  startControlPlane,
} from '@runner-fleet/testenv';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { Manifest, testLogger, TestKube } from '../__testUtils__/cluster';
import { linuxReplicaSet } from '../__testUtils__/manifests';
import {
  MetricsServer,
  startMetricsServer,
} from '../__testUtils__/metricsServer';
import { VmirsObject } from '../kubevirt/types';
import { FleetSimulator, startFleetSimulator } from '../startFleetSimulator';

/*
 * Conformance of the simulator's KEDA + HPA model with the real ones: one load scenario, served
 * by one metrics endpoint at the same moments to two clusters — the shared test cluster, where
 * the simulator plays KEDA and the HPA, and a control plane of its own with the real KEDA 2.21 and
 * kube-controller-manager 1.35. Both on wall-clock time with the same HPA sync period (5 s).
 *
 * Tolerance: the real pipeline reacts on its own polling and sync phases, so the two may differ
 * for up to 20 s after each load change; at the end of each phase (its last 5 s) the replica
 * counts must be equal.
 *
 * Not in the default run: `yarn test:real-controllers` (see realKeda.real-controllers.test.ts).
 */
jest.setTimeout(300_000);

const KV = ['kubevirt.io', 'v1'] as const;
const KEDA = ['keda.sh', 'v1alpha1'] as const;

/** Load phases: busy slots and pending jobs, held for `seconds`. */
const SCENARIO = [
  { seconds: 40, busyJobSlots: 6, pendingJobs: 0 }, // 0 → 1 (KEDA) → 5 (HPA)
  { seconds: 40, busyJobSlots: 10, pendingJobs: 8 }, // → ceil(10 / 1.2) = 9
  { seconds: 70, busyJobSlots: 3, pendingJobs: 0 }, // after the 30 s window → 3
  { seconds: 60, busyJobSlots: 0, pendingJobs: 0 }, // cooldown 20 s → 0
  { seconds: 30, busyJobSlots: 0, pendingJobs: 1 }, // wakes → 1
];

function scaledObject(name: string, url: string): Manifest {
  const trigger = (n: string, valueLocation: string, targetValue: string) => ({
    type: 'metrics-api',
    name: n,
    metricType: 'AverageValue',
    metadata: {
      url,
      format: 'json',
      valueLocation,
      targetValue,
      activationTargetValue: '0',
      authMode: 'bearer',
    },
    authenticationRef: { name },
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
      maxReplicaCount: 10,
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
        trigger('busy-job-slots', 'busyJobSlots', '1.2'),
        trigger('pending-jobs', 'pendingJobs', '4'),
      ],
    },
  };
}

async function setUp(kube: TestKube, url: string): Promise<void> {
  await kube.secret('rf-conf', { token: 'metrics-token' });
  await kube.create(...KEDA, 'triggerauthentications', {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: { name: 'rf-conf' },
    spec: {
      secretTargetRef: [{ parameter: 'token', name: 'rf-conf', key: 'token' }],
    },
  });
  await kube.create(
    ...KV,
    'virtualmachineinstancereplicasets',
    linuxReplicaSet('rf-conf', 'none', 0),
  );
  await kube.create(...KEDA, 'scaledobjects', scaledObject('rf-conf', url));
}

describe('the simulator’s KEDA + HPA model against the real ones', () => {
  const shared = useTestCluster({ namespacePrefix: 'conformance' });
  let plane: ControlPlane;
  let metrics: MetricsServer;
  const sims: FleetSimulator[] = [];

  afterAll(async () => {
    await Promise.all(sims.map(s => s.stop()));
    await metrics?.stop();
    await plane?.stop();
  });

  it('replica counts agree at the end of every load phase', async () => {
    plane = await startControlPlane({
      controllers: { hpaSyncPeriod: '5s' },
      timeoutMs: 120_000,
      // Keeps the controllers' logs for a look after a failure.
      dataDir: process.env.RUNNER_FLEET_CONFORMANCE_DIR,
    });
    await createNamespace(plane.kubeConfig('admin'), 'conformance');
    metrics = await startMetricsServer('metrics-token');
    const real = new TestKube(plane.kubeConfig('admin'), 'conformance');
    const model = new TestKube(shared.kubeConfig('admin'), shared.namespace);
    const common = {
      gitlab: { url: 'http://127.0.0.1:1', adminToken: 'unused' },
      timeScale: 1,
      seed: 9,
      bootTime: 1,
      failureRate: 0,
      hpa: { syncPeriodSeconds: 5 },
      logger: testLogger(),
    };
    sims.push(
      await startFleetSimulator({
        ...common,
        kubeConfig: plane.kubeConfig('fleet-simulator'),
        roles: { keda: false, runner: false, cdi: false },
        namespaces: ['conformance'],
      }),
      await startFleetSimulator({
        ...common,
        kubeConfig: shared.kubeConfig('fleet-simulator'),
        roles: { runner: false, cdi: false },
        namespaces: [shared.namespace],
      }),
    );
    await Promise.all([setUp(real, metrics.url), setUp(model, metrics.url)]);
    const replicas = async (kube: TestKube) =>
      (
        await kube.get<VmirsObject>(
          ...KV,
          'virtualmachineinstancereplicasets',
          'rf-conf',
        )
      )?.spec.replicas ?? 0;

    // Let the real KEDA make its HPA before the load starts.
    await new Promise(resolve => setTimeout(resolve, 15_000));
    const samples: Array<{
      t: number;
      phase: number;
      real: number;
      model: number;
    }> = [];
    const t0 = Date.now();
    for (const [phase, step] of SCENARIO.entries()) {
      metrics.set({
        busyJobSlots: step.busyJobSlots,
        pendingJobs: step.pendingJobs,
      });
      const end = Date.now() + step.seconds * 1000;
      while (Date.now() < end) {
        const [r, m] = await Promise.all([replicas(real), replicas(model)]);
        samples.push({ t: (Date.now() - t0) / 1000, phase, real: r, model: m });
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
    }
    // The whole trace, for the record (and to see where a model drifts).
    process.stdout.write(
      `conformance trace (t s, phase, real, model):\n${samples
        .map(s => `${s.t.toFixed(0)} ${s.phase} ${s.real} ${s.model}`)
        .join('\n')}\n`,
    );
    for (const [phase, step] of SCENARIO.entries()) {
      const inPhase = samples.filter(s => s.phase === phase);
      const last = inPhase.filter(
        s => s.t >= inPhase[inPhase.length - 1].t - 5,
      );
      expect({ phase, step, real: last.map(s => s.real) }).toEqual({
        phase,
        step,
        real: last.map(s => s.model),
      });
    }
    expect(metrics.unauthorized).toBe(0);
  });
});
