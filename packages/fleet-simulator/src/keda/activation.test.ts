import { ActivationInput, decideActivation } from './activation';

const base: ActivationInput = {
  nowMs: 1_000_000,
  currentReplicas: 0,
  minReplicaCount: 0,
  isActive: false,
  isError: false,
  creationMs: 0,
  cooldownSeconds: 300,
  initialCooldownSeconds: 0,
};

describe('decideActivation (KEDA’s 0 ↔ 1 and cooldown)', () => {
  it('activates a target at zero to max(minReplicaCount, 1)', () => {
    expect(decideActivation({ ...base, isActive: true })).toMatchObject({
      scaleTo: 1,
      touchLastActive: true,
      active: { status: 'True', reason: 'ScalerActive' },
    });
    expect(
      decideActivation({ ...base, isActive: true, minReplicaCount: 3 }).scaleTo,
    ).toBe(3);
  });

  it('leaves an active target above zero to the HPA, refreshing lastActiveTime', () => {
    const decision = decideActivation({
      ...base,
      isActive: true,
      currentReplicas: 4,
    });
    expect(decision.scaleTo).toBeUndefined();
    expect(decision.touchLastActive).toBe(true);
  });

  it('scales to zero only after cooldownPeriod since the last activity', () => {
    const input = {
      ...base,
      currentReplicas: 2,
      lastActiveMs: base.nowMs - 299_000,
    };
    const cooling = decideActivation(input);
    expect(cooling.scaleTo).toBeUndefined();
    expect(cooling.active).toMatchObject({
      status: 'False',
      reason: 'ScalerCooldown',
    });
    expect(
      decideActivation({ ...input, lastActiveMs: base.nowMs - 301_000 }),
    ).toMatchObject({
      scaleTo: 0,
      active: { reason: 'ScalerNotActive' },
    });
  });

  it('without lastActiveTime uses initialCooldownPeriod from creation', () => {
    const input = {
      ...base,
      currentReplicas: 1,
      creationMs: base.nowMs - 10_000,
    };
    expect(
      decideActivation({ ...input, initialCooldownSeconds: 60 }).scaleTo,
    ).toBeUndefined();
    expect(decideActivation(input).scaleTo).toBe(0);
  });

  it('never scales below minReplicaCount, and raises a target below it', () => {
    expect(
      decideActivation({
        ...base,
        currentReplicas: 2,
        minReplicaCount: 2,
        lastActiveMs: 0,
      }).scaleTo,
    ).toBeUndefined();
    expect(
      decideActivation({ ...base, currentReplicas: 1, minReplicaCount: 2 })
        .scaleTo,
    ).toBe(2);
  });

  it('an inactive target at zero stays there', () => {
    const decision = decideActivation(base);
    expect(decision.scaleTo).toBeUndefined();
    expect(decision.touchLastActive).toBe(false);
    expect(decision.ready.status).toBe('True');
  });

  it('reports failing triggers: Ready False when inactive, Unknown when others are active', () => {
    const failing = decideActivation({
      ...base,
      isError: true,
      currentReplicas: 2,
      lastActiveMs: 0,
    });
    expect(failing.scaleTo).toBeUndefined();
    expect(failing.ready).toMatchObject({
      status: 'False',
      reason: 'TriggerError',
    });
    expect(
      decideActivation({
        ...base,
        isError: true,
        isActive: true,
        currentReplicas: 2,
      }),
    ).toMatchObject({
      touchLastActive: false,
      ready: { status: 'Unknown', reason: 'PartialTriggerError' },
    });
  });
});
