import { useTestCluster } from '@runner-fleet/testenv/jest';
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
import { SimulationClock } from '../clock';
import { ScaledObject } from '../keda/types';
import { VmirsObject } from '../kubevirt/types';
import { FleetSimulator, startFleetSimulator } from '../startFleetSimulator';

jest.setTimeout(30_000);

const KV = ['kubevirt.io', 'v1'] as const;
const KEDA = ['keda.sh', 'v1alpha1'] as const;

/** A ScaledObject shaped like the product's: busy slots at 30% of 4, pending jobs per 4 slots. */
function scaledObject(
  name: string,
  target: string,
  url: string,
  auth: string,
): Manifest {
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
        name: target,
      },
      pollingInterval: 5,
      cooldownPeriod: 30,
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
              stabilizationWindowSeconds: 60,
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

describe('KEDA: ScaledObjects with metrics-api triggers and the HPA formula', () => {
  const cluster = useTestCluster({ namespacePrefix: 'fleetsim-keda' });
  let clock: SimulationClock;
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
  const history = () =>
    sim.state().scalers.find(s => s.scaledObject.endsWith('/rf-scale'))
      ?.scaleHistory ?? [];

  beforeAll(async () => {
    metrics = await startMetricsServer('metrics-token');
    kube = new TestKube(cluster.kubeConfig(), cluster.namespace);
    clock = new SimulationClock({ timeScale: 50 });
    sim = await startFleetSimulator({
      kubeConfig: cluster.kubeConfig('fleet-simulator'),
      gitlab: { url: 'http://127.0.0.1:1', adminToken: 'unused' },
      clock,
      seed: 3,
      failureRate: 0,
      roles: { runner: false },
      namespaces: [cluster.namespace],
      logger: testLogger(),
    });
    await kube.secret('rf-scale-metrics-auth', { token: 'metrics-token' });
    await kube.create(
      ...KEDA,
      'triggerauthentications',
      triggerAuthentication('rf-scale-metrics', 'rf-scale-metrics-auth'),
    );
    await kube.create(
      ...KV,
      'virtualmachineinstancereplicasets',
      linuxReplicaSet('rf-scale', 'rf-scale-cloudinit', 0),
    );
    await kube.create(
      ...KEDA,
      'scaledobjects',
      scaledObject('rf-scale', 'rf-scale', metrics.url, 'rf-scale-metrics'),
    );
  });

  afterAll(async () => {
    await sim?.stop();
    await metrics?.stop();
  });

  it('stays at zero while nothing is busy, with KEDA’s status fields', async () => {
    await waitFor(
      'Ready and inactive',
      async () =>
        (await condition('rf-scale', 'Active'))?.reason === 'ScalerNotActive',
    );
    expect(await status('rf-scale')).toMatchObject({
      scaleTargetKind: 'kubevirt.io/v1.VirtualMachineInstanceReplicaSet',
      scaleTargetGVKR: {
        group: 'kubevirt.io',
        version: 'v1',
        kind: 'VirtualMachineInstanceReplicaSet',
        resource: 'virtualmachineinstancereplicasets',
      },
      originalReplicaCount: 0,
      externalMetricNames: [
        's0-metric-api-busyJobSlots',
        's1-metric-api-pendingJobs',
      ],
      hpaName: 'keda-hpa-rf-scale',
      triggersTypes: 'metrics-api',
      health: {
        's0-metric-api-busyJobSlots': { numberOfFailures: 0, status: 'Happy' },
        's1-metric-api-pendingJobs': { numberOfFailures: 0, status: 'Happy' },
      },
      conditions: expect.arrayContaining([
        {
          type: 'Ready',
          status: 'True',
          reason: 'ScaledObjectReady',
          message: 'ScaledObject is defined correctly and is ready for scaling',
        },
        {
          type: 'Fallback',
          status: 'False',
          reason: 'NoFallbackFound',
          message: 'No fallbacks are active on this scaled object',
        },
      ]),
    });
    expect(await replicas('rf-scale')).toBe(0);
    expect(metrics.requests).toBeGreaterThan(0);
    expect(metrics.unauthorized).toBe(0);
  });

  it('activates from zero, then scales to ceil(busy / 1.2): 6 busy slots → 5 VMs', async () => {
    metrics.set({ busyJobSlots: 6 });
    await waitFor('5 replicas', async () => (await replicas('rf-scale')) === 5);
    // the scaler records a scale right after the API call the test may already see
    await waitFor('the scale recorded', () => history().length === 2);
    expect(history().map(({ from, to, by }) => ({ from, to, by }))).toEqual([
      { from: 0, to: 1, by: 'keda' },
      { from: 1, to: 5, by: 'hpa' },
    ]);
    expect(await condition('rf-scale', 'Active')).toMatchObject({
      status: 'True',
      reason: 'ScalerActive',
    });
    expect((await status('rf-scale'))?.lastActiveTime).toEqual(
      expect.any(String),
    );
    await waitFor(
      '5 VMIs reported',
      async () =>
        (
          await kube.get<VmirsObject>(
            ...KV,
            'virtualmachineinstancereplicasets',
            'rf-scale',
          )
        )?.status?.replicas === 5,
    );
  });

  it('holds scale-down for the 60 s stabilisation window, then follows the formula: 3 busy → 3 VMs', async () => {
    const changedAt = clock.nowMs();
    metrics.set({ busyJobSlots: 3 });
    const seen = new Set<number>();
    await waitFor('3 replicas', async () => {
      const now = await replicas('rf-scale');
      if (now !== undefined) seen.add(now);
      return now === 3;
    });
    expect([...seen].sort()).toEqual([3, 5]);
    const down = await waitFor('the scale recorded', () =>
      history().find(h => h.from === 5 && h.to === 3),
    );
    expect(down?.by).toBe('hpa');
    const syncs =
      sim.state().scalers.find(x => x.scaledObject.endsWith('/rf-scale'))
        ?.hpaSyncs ?? [];
    const decisive = syncs.findIndex(
      x => x.replicas === 5 && x.desiredReplicas === 3,
    );
    const before = syncs.slice(0, decisive);
    const lastFive = [...before].reverse().find(x => x.metricsReplicas === 5);
    const held = before.filter(x => x.metricsReplicas === 3);
    // the metrics asked for 3 at least once while the window held 5 … unless the clock (50×
    // real time) jumped past the whole window between two syncs on a loaded machine: then the
    // first sync after the change is already the decisive one, and the time check below holds.
    const firstAfter = syncs.find(x => Date.parse(x.at) > changedAt);
    const windowSkipped =
      Date.parse(firstAfter?.at ?? '') - Date.parse(lastFive?.at ?? '') >=
      60_000;
    expect(held.length > 0 || windowSkipped).toBe(true);
    expect(
      held.every(
        x => x.desiredReplicas === 5 && x.reason === 'ScaleDownStabilized',
      ),
    ).toBe(true);
    // … until the last recommendation of 5 (made before the change) was 60 s old
    expect(Date.parse(lastFive?.at ?? '')).toBeLessThanOrEqual(changedAt);
    expect(
      Date.parse(syncs[decisive].at) - Date.parse(lastFive?.at ?? ''),
    ).toBeGreaterThanOrEqual(60_000);
  });

  it('keeps the current size within the 10% tolerance: 3.9 busy slots on 3 VMs', async () => {
    // 3.9 / (1.2 × 3) = 1.083: within tolerance, although ceil(3.9 / 1.2) = 4
    const from = clock.now().toISOString();
    metrics.set({ busyJobSlots: 3.9 });
    const syncs = () =>
      (
        sim.state().scalers.find(x => x.scaledObject.endsWith('/rf-scale'))
          ?.hpaSyncs ?? []
      ).filter(x => x.at > from);
    await waitFor('two HPA syncs', () => syncs().length >= 2);
    expect(
      syncs().every(x => x.metricsReplicas === 3 && x.desiredReplicas === 3),
    ).toBe(true);
    expect(await replicas('rf-scale')).toBe(3);
  });

  it('scales to zero once nothing was active for cooldownPeriod (30 s)', async () => {
    const since = sim.events().length;
    metrics.set({ busyJobSlots: 0, pendingJobs: 0 });
    await waitFor('0 replicas', async () => (await replicas('rf-scale')) === 0);
    const zero = await waitFor('the scale recorded', () =>
      history().find(h => h.to === 0),
    );
    expect(zero).toMatchObject({
      by: 'keda',
      reason: 'cooldown over, deactivated',
    });
    const lastActive = Date.parse(
      (await status('rf-scale'))?.lastActiveTime ?? '',
    );
    expect(Date.parse(zero?.at ?? '') - lastActive).toBeGreaterThanOrEqual(
      30_000,
    );
    // KEDA polls every 5 s: in between it reported the cooldown, then inactivity
    const reasons = () =>
      sim
        .events()
        .slice(since)
        .filter(
          e => e.type === 'active-changed' && e.object?.endsWith('/rf-scale'),
        )
        .map(e => e.data?.reason);
    await waitFor('inactive', () => reasons().includes('ScalerNotActive'));
    expect(reasons()).toEqual(['ScalerCooldown', 'ScalerNotActive']);
    await waitFor(
      'the condition written',
      async () =>
        (await condition('rf-scale', 'Active'))?.reason === 'ScalerNotActive',
    );
    expect(metrics.unauthorized).toBe(0);
  });

  it('a wrong metrics token fails the triggers: Ready False, health Failing, nothing scaled', async () => {
    await kube.secret('rf-wrong-metrics-auth', { token: 'not-the-token' });
    await kube.create(
      ...KEDA,
      'triggerauthentications',
      triggerAuthentication('rf-wrong-metrics', 'rf-wrong-metrics-auth'),
    );
    await kube.create(
      ...KV,
      'virtualmachineinstancereplicasets',
      linuxReplicaSet('rf-wrong', 'none', 0),
    );
    metrics.set({ busyJobSlots: 6 });
    await kube.create(
      ...KEDA,
      'scaledobjects',
      scaledObject('rf-wrong', 'rf-wrong', metrics.url, 'rf-wrong-metrics'),
    );
    expect(
      await waitFor('TriggerError', () =>
        condition('rf-wrong', 'Ready').then(c =>
          c?.reason === 'TriggerError' ? c : undefined,
        ),
      ),
    ).toMatchObject({
      status: 'False',
      message: 'Triggers defined in ScaledObject are not working correctly',
    });
    expect(
      (await status('rf-wrong'))?.health?.['s0-metric-api-busyJobSlots'],
    ).toMatchObject({
      status: 'Failing',
      numberOfFailures: expect.any(Number),
    });
    expect(metrics.unauthorized).toBeGreaterThan(0);
    expect(await replicas('rf-wrong')).toBe(0);
  });

  it('refuses a second ScaledObject on the same target, as KEDA does', async () => {
    await kube.create(
      ...KEDA,
      'scaledobjects',
      scaledObject(
        'rf-scale-again',
        'rf-scale',
        metrics.url,
        'rf-scale-metrics',
      ),
    );
    expect(
      await waitFor('refused', () =>
        condition('rf-scale-again', 'Ready').then(c =>
          c?.status === 'False' ? c : undefined,
        ),
      ),
    ).toMatchObject({
      reason: 'ScaledObjectCheckFailed',
      message: expect.stringContaining(
        "is already managed by the ScaledObject 'rf-scale'",
      ),
    });
  });
});
