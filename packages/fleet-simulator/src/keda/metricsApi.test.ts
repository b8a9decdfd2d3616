import { externalMetricName, valueAt } from './metricsApi';
import { validateScaledObject } from '.';
import { ScaledObject } from './types';

describe('metrics-api values and names', () => {
  it('reads GJSON dot paths, array indexes and numeric strings', () => {
    const body = {
      busyJobSlots: 3,
      overflow: { pendingJobs: 7 },
      list: [{ v: '2.5' }],
      'a.b': 1,
    };
    expect(valueAt(body, 'busyJobSlots')).toBe(3);
    expect(valueAt(body, 'overflow.pendingJobs')).toBe(7);
    expect(valueAt(body, 'list.0.v')).toBe(2.5);
    expect(valueAt(body, 'a\\.b')).toBe(1);
    expect(() => valueAt(body, 'overflow')).toThrow(
      /type number .* got: 'JSON'/,
    );
    expect(() => valueAt(body, 'missing')).toThrow(/got: 'Null'/);
  });

  it('names external metrics as KEDA does', () => {
    const trigger = {
      type: 'metrics-api',
      metadata: { valueLocation: 'overflow.pendingJobs' },
    };
    expect(externalMetricName(1, trigger)).toBe(
      's1-metric-api-overflow-pendingJobs',
    );
  });
});

describe('validateScaledObject', () => {
  const so = (
    name: string,
    created: string,
    extra: Partial<ScaledObject['spec']> = {},
  ): ScaledObject => ({
    metadata: { name, namespace: 'ns', uid: name, creationTimestamp: created },
    spec: {
      scaleTargetRef: {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachineInstanceReplicaSet',
        name: 'rf-a',
      },
      triggers: [
        {
          type: 'metrics-api',
          metadata: { targetValue: '1.2', url: 'http://x', valueLocation: 'v' },
        },
      ],
      ...extra,
    },
  });

  it('accepts the product’s shape and refuses what KEDA refuses', () => {
    const first = so('a', '2026-01-01T00:00:00Z');
    expect(validateScaledObject(first, [first])).toBeUndefined();
    const second = so('b', '2026-01-02T00:00:00Z');
    expect(validateScaledObject(second, [first, second])).toMatch(
      /already managed by the ScaledObject 'a'/,
    );
    expect(
      validateScaledObject(
        so('c', 'x', {
          triggers: [
            {
              type: 'metrics-api',
              metricType: 'Utilization',
              metadata: { targetValue: '1' },
            },
          ],
        }),
        [],
      ),
    ).toMatch(/Utilization/);
    expect(
      validateScaledObject(
        so('d', 'x', { triggers: [{ type: 'metrics-api', metadata: {} }] }),
        [],
      ),
    ).toMatch(/no targetValue/);
    expect(
      validateScaledObject(
        so('e', 'x', { scaleTargetRef: { name: 'web' } }),
        [],
      ),
    ).toMatch(/not apps\/v1 Deployment/);
  });
});
