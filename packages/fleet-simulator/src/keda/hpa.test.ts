import {
  computeHpa,
  EMPTY_HPA_STATE,
  HpaBehavior,
  HpaInput,
  HpaState,
  MetricSample,
  recordScaleEvent,
  replicasForMetric,
  resolveBehavior,
  scaleDownLimit,
  scaleUpLimit,
} from './hpa';

const busy = (value: number | undefined, target = 1.2): MetricSample => ({
  name: 's0-metric-api-busyJobSlots',
  value,
  target,
  targetType: 'AverageValue',
});

/** Behaviour that neither stabilises nor limits, to look at the formula alone. */
const FREE: HpaBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    policies: [{ type: 'Percent', value: 10000, periodSeconds: 15 }],
  },
  scaleDown: {
    stabilizationWindowSeconds: 0,
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  },
};

function input(partial: Partial<HpaInput>): HpaInput {
  return {
    nowMs: 1_000_000,
    specReplicas: 4,
    statusReplicas: 4,
    minReplicas: 1,
    maxReplicas: 20,
    metrics: [busy(0)],
    behavior: FREE,
    ...partial,
  };
}

/** Runs syncs every 15 s with the given busy values; returns the replicas after each. */
function simulate(
  values: number[],
  start: number,
  behavior: HpaBehavior,
  min = 1,
  max = 50,
): number[] {
  let state: HpaState = EMPTY_HPA_STATE;
  let replicas = start;
  const out: number[] = [];
  values.forEach((value, i) => {
    const nowMs = i * 15_000;
    const decision = computeHpa(
      input({
        nowMs,
        specReplicas: replicas,
        statusReplicas: replicas,
        minReplicas: min,
        maxReplicas: max,
        metrics: [busy(value)],
        behavior,
      }),
      state,
    );
    state = decision.state;
    if (decision.ableToScale && decision.desiredReplicas !== replicas) {
      state = recordScaleEvent(
        state,
        nowMs,
        replicas,
        decision.desiredReplicas,
        behavior,
      );
      replicas = decision.desiredReplicas;
    }
    out.push(replicas);
  });
  return out;
}

describe('replicasForMetric', () => {
  it('AverageValue asks for ceil(value / target)', () => {
    expect(replicasForMetric({ ...busy(6), value: 6 }, 1, 1, 0.1)).toBe(5);
    expect(replicasForMetric({ ...busy(6.1), value: 6.1 }, 1, 1, 0.1)).toBe(6);
  });

  it('keeps the current replicas within the 10% tolerance', () => {
    // 5.2 / (1.2 × 5) = 0.867: more than 10% off, ceil(5.2 / 1.2) = 5 → 5; 4.7 → 4
    expect(replicasForMetric({ ...busy(5.2), value: 5.2 }, 5, 5, 0.1)).toBe(5);
    expect(replicasForMetric({ ...busy(4.7), value: 4.7 }, 5, 5, 0.1)).toBe(4);
    // 5.5 / 6 = 0.917: within tolerance, stay at 5
    expect(replicasForMetric({ ...busy(5.5), value: 5.5 }, 5, 5, 0.1)).toBe(5);
    // 6.5 / 6 = 1.083: within tolerance, stay at 5 although ceil(6.5/1.2) = 6
    expect(replicasForMetric({ ...busy(6.5), value: 6.5 }, 5, 5, 0.1)).toBe(5);
    // 6.7 / 6 = 1.117: outside, 6
    expect(replicasForMetric({ ...busy(6.7), value: 6.7 }, 5, 5, 0.1)).toBe(6);
  });

  it('Value scales the current replicas by value / target', () => {
    const sample = {
      name: 'q',
      value: 30,
      target: 10,
      targetType: 'Value' as const,
    };
    expect(replicasForMetric(sample, 2, 2, 0.1)).toBe(6);
    expect(replicasForMetric({ ...sample, value: 10.5 }, 2, 2, 0.1)).toBe(2);
  });
});

describe('computeHpa', () => {
  it('takes the largest recommendation over metrics', () => {
    const pending: MetricSample = {
      name: 's1-metric-api-pendingJobs',
      value: 19,
      target: 4,
      targetType: 'AverageValue',
    };
    const decision = computeHpa(
      input({ metrics: [busy(2.4), pending] }),
      EMPTY_HPA_STATE,
    );
    expect(decision.metricsReplicas).toBe(5);
    expect(decision.desiredReplicas).toBe(5);
  });

  it('clamps to min and max, and brings out-of-bounds replicas back first', () => {
    expect(
      computeHpa(
        input({ metrics: [busy(100)], maxReplicas: 7 }),
        EMPTY_HPA_STATE,
      ).desiredReplicas,
    ).toBe(7);
    expect(
      computeHpa(input({ metrics: [busy(0)], minReplicas: 2 }), EMPTY_HPA_STATE)
        .desiredReplicas,
    ).toBe(2);
    expect(
      computeHpa(input({ specReplicas: 30 }), EMPTY_HPA_STATE),
    ).toMatchObject({ desiredReplicas: 20, reason: 'TooManyReplicas' });
    expect(
      computeHpa(input({ specReplicas: 1, minReplicas: 3 }), EMPTY_HPA_STATE),
    ).toMatchObject({ desiredReplicas: 3, reason: 'TooFewReplicas' });
  });

  it('leaves a target at zero alone (KEDA owns 0 ↔ 1)', () => {
    expect(
      computeHpa(
        input({ specReplicas: 0, statusReplicas: 0, metrics: [busy(50)] }),
        EMPTY_HPA_STATE,
      ),
    ).toMatchObject({
      desiredReplicas: 0,
      ableToScale: false,
      reason: 'ScalingDisabled',
    });
  });

  it('does not scale on failed metrics, and does not scale down when one failed', () => {
    expect(
      computeHpa(input({ metrics: [busy(undefined)] }), EMPTY_HPA_STATE),
    ).toMatchObject({ ableToScale: false, desiredReplicas: 4 });
    const pendingFailed: MetricSample = {
      name: 'p',
      value: undefined,
      target: 4,
      targetType: 'AverageValue',
    };
    expect(
      computeHpa(input({ metrics: [busy(1), pendingFailed] }), EMPTY_HPA_STATE),
    ).toMatchObject({ ableToScale: false, desiredReplicas: 4 });
    expect(
      computeHpa(
        input({ metrics: [busy(12), pendingFailed] }),
        EMPTY_HPA_STATE,
      ),
    ).toMatchObject({ ableToScale: true, desiredReplicas: 10 });
  });

  it('holds scale-down for the stabilisation window (highest recommendation wins)', () => {
    const behavior: HpaBehavior = {
      ...FREE,
      scaleDown: {
        stabilizationWindowSeconds: 60,
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
    };
    // 6 busy slots → 5 VMs; then 2.4 busy → 2 VMs, once the last recommendation of 5 (t=15 s)
    // has left the 60 s window: at t=75 s.
    const replicas = simulate(
      [6, 6, 2.4, 2.4, 2.4, 2.4, 2.4, 2.4],
      1,
      behavior,
    );
    expect(replicas).toEqual([5, 5, 5, 5, 5, 2, 2, 2]);
  });

  it('holds scale-up for a scale-up stabilisation window (lowest recommendation wins)', () => {
    const behavior: HpaBehavior = {
      ...FREE,
      scaleUp: {
        stabilizationWindowSeconds: 30,
        policies: [{ type: 'Percent', value: 10000, periodSeconds: 15 }],
      },
    };
    // the recommendation of 1 at t=0 caps the scale-up until it leaves the 30 s window
    expect(simulate([1.2, 6, 6, 6, 6], 1, behavior)).toEqual([1, 1, 5, 5, 5]);
  });

  it('uses the API server defaults without behaviour: scale-down waits 300 s', () => {
    const values = [6, ...Array(22).fill(0)];
    const replicas = simulate(values, 1, undefined as unknown as HpaBehavior);
    // up at once (Pods 4 or 100% per 15 s: 1 → 5), down to 1 when the recommendation of 5
    // (t=0) is 300 s old
    expect(replicas[0]).toBe(5);
    expect(replicas[19]).toBe(5);
    expect(replicas[20]).toBe(1);
  });
});

describe('scaling policies', () => {
  const rules = (
    policies: HpaBehavior['scaleUp'],
    d: 'scaleUp' | 'scaleDown' = 'scaleUp',
  ) => resolveBehavior({ [d]: policies })[d];

  it('selectPolicy Max takes the most permissive of Pods and Percent', () => {
    const up = rules({
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 60 },
        { type: 'Percent', value: 100, periodSeconds: 60 },
      ],
    });
    expect(scaleUpLimit(2, EMPTY_HPA_STATE, 0, up)).toBe(6);
    expect(scaleUpLimit(10, EMPTY_HPA_STATE, 0, up)).toBe(20);
  });

  it('selectPolicy Min takes the most restrictive; Disabled forbids the direction', () => {
    const up = rules({
      selectPolicy: 'Min',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 60 },
        { type: 'Percent', value: 100, periodSeconds: 60 },
      ],
    });
    expect(scaleUpLimit(10, EMPTY_HPA_STATE, 0, up)).toBe(14);
    expect(
      scaleUpLimit(10, EMPTY_HPA_STATE, 0, rules({ selectPolicy: 'Disabled' })),
    ).toBe(10);
  });

  it('counts changes made within the policy period', () => {
    const up = rules({
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }],
    });
    const state = recordScaleEvent(EMPTY_HPA_STATE, 0, 2, 6, { scaleUp: up });
    expect(scaleUpLimit(6, state, 30_000, up)).toBe(6); // 4 added in this minute already
    expect(scaleUpLimit(6, state, 61_000, up)).toBe(10); // a new period
  });

  it('scale-down Percent truncates and Pods subtracts', () => {
    const down = rules(
      {
        selectPolicy: 'Max',
        policies: [
          { type: 'Percent', value: 20, periodSeconds: 60 },
          { type: 'Pods', value: 1, periodSeconds: 60 },
        ],
      },
      'scaleDown',
    );
    expect(scaleDownLimit(10, EMPTY_HPA_STATE, 0, down)).toBe(8); // 20% of 10 beats 1 pod
    expect(scaleDownLimit(3, EMPTY_HPA_STATE, 0, down)).toBe(2); // trunc(2.4) = 2 vs 2
  });

  it('limits an HPA decision by the policies (product behaviour: +100% or +4 a minute)', () => {
    const behavior: HpaBehavior = {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Percent', value: 100, periodSeconds: 60 },
          { type: 'Pods', value: 4, periodSeconds: 60 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Percent', value: 20, periodSeconds: 60 },
          { type: 'Pods', value: 1, periodSeconds: 60 },
        ],
      },
    };
    // 24 busy slots at 1.2 per VM wants 20 VMs; from 1: +4 in the first minute, +10 (100%) in the next
    const replicas = simulate(
      [24, 24, 24, 24, 24, 24, 24, 24, 24],
      1,
      behavior,
    );
    expect(replicas.slice(0, 4)).toEqual([5, 5, 5, 5]);
    expect(replicas[4]).toBe(10);
    expect(replicas[8]).toBe(20);
  });
});
