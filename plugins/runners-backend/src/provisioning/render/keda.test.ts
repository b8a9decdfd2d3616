import { renderPool } from './renderPool';
import { secretText } from './secrets';
import {
  TEST_METRICS_TOKEN,
  at,
  exampleFlavor,
  exampleRenderInput,
  findObject,
  withAutoscaling,
} from './testing';

type Trigger = {
  type: string;
  name: string;
  metricType: string;
  metadata: Record<string, string>;
  authenticationRef: { name: string };
};

function triggers(scaledObject: unknown): Trigger[] {
  return at(scaledObject, 'spec', 'triggers') as Trigger[];
}

describe('KEDA objects of a pool', () => {
  const input = exampleRenderInput();
  const objects = renderPool(input);
  const scaledObject = findObject(objects, 'ScaledObject');

  it('targets the pool workload', () => {
    expect(at(scaledObject, 'spec', 'scaleTargetRef')).toEqual({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstanceReplicaSet',
      name: 'rf-builds',
    });
  });

  it('keeps 30% of job slots busy: AverageValue 0.3 × slots per VM', () => {
    const [busy] = triggers(scaledObject);
    expect(busy.type).toBe('metrics-api');
    expect(busy.metricType).toBe('AverageValue');
    expect(busy.metadata.targetValue).toBe('0.6');
    expect(busy.metadata.valueLocation).toBe('busyJobSlots');

    const xlarge = renderPool(
      exampleRenderInput({ flavor: exampleFlavor('m1.xlarge') }),
    );
    expect(triggers(findObject(xlarge, 'ScaledObject'))[0].metadata).toEqual(
      expect.objectContaining({ targetValue: '1.2' }),
    );
  });

  it('adds one VM per job-slots pending jobs, and wakes on the first one', () => {
    const [, pending] = triggers(scaledObject);
    expect(pending.metricType).toBe('AverageValue');
    expect(pending.metadata).toEqual({
      url: input.scaling.metricsUrl,
      format: 'json',
      valueLocation: 'pendingJobs',
      targetValue: '2',
      activationTargetValue: '0',
      authMode: 'bearer',
    });
  });

  it('authenticates every trigger with the bearer token from its own Secret', () => {
    const auth = findObject(objects, 'TriggerAuthentication');
    expect(at(auth, 'spec', 'secretTargetRef')).toEqual([
      { parameter: 'token', name: 'rf-builds-metrics-auth', key: 'token' },
    ]);
    const secret = findObject(objects, 'Secret', 'rf-builds-metrics-auth');
    expect(secretText(secret, 'token')).toBe(TEST_METRICS_TOKEN);
    for (const trigger of triggers(scaledObject)) {
      expect(trigger.authenticationRef).toEqual({ name: 'rf-builds-metrics' });
    }
  });

  it('bounds replicas by min/max, and polls and cools down as configured', () => {
    expect(at(scaledObject, 'spec')).toMatchObject({
      minReplicaCount: 1,
      maxReplicaCount: 5,
      pollingInterval: 15,
      cooldownPeriod: 600,
    });
  });

  it('keeps one VM when scale-to-zero is off, whatever minReplicas says', () => {
    const noZero = renderPool(withAutoscaling(input, { minReplicas: 0 }));
    expect(
      at(findObject(noZero, 'ScaledObject'), 'spec', 'minReplicaCount'),
    ).toBe(1);
  });

  it('goes down to 0 for a scale-to-zero pool', () => {
    const zero = renderPool(
      withAutoscaling(input, { minReplicas: 0, scaleToZero: true }),
    );
    expect(at(findObject(zero, 'ScaledObject'), 'spec')).toMatchObject({
      minReplicaCount: 0,
      maxReplicaCount: 5,
    });
  });

  it('stabilises scale-down with the configured window and scales up without delay', () => {
    const behavior = at(
      scaledObject,
      'spec',
      'advanced',
      'horizontalPodAutoscalerConfig',
      'behavior',
    );
    expect(at(behavior, 'scaleDown', 'stabilizationWindowSeconds')).toBe(300);
    expect(at(behavior, 'scaleUp', 'stabilizationWindowSeconds')).toBe(0);
  });

  it('rejects a stabilisation window KEDA would refuse', () => {
    const tooLong = exampleRenderInput();
    tooLong.scaling = {
      ...tooLong.scaling,
      scaleDownStabilizationSeconds: 7200,
    };
    expect(() => renderPool(tooLong)).toThrow(/0 to 3600/);
  });
});
