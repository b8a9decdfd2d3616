import {
  defaultReasonCode,
  isErrorReason,
  POOL_REASON_CODES,
  toPoolReasonCode,
} from '.';

describe('pool reason codes', () => {
  it('keeps a code it knows and reads one from a newer backend as Unknown', () => {
    expect(toPoolReasonCode('Draining')).toBe('Draining');
    expect(toPoolReasonCode('RolloutHalted2099')).toBe('Unknown');
    expect(toPoolReasonCode(null)).toBe('Unknown');
  });

  it('tells errors the reconciler retries from progress', () => {
    expect(isErrorReason('ReconcileError')).toBe(true);
    expect(isErrorReason('MissingClusterApi')).toBe(true);
    expect(isErrorReason('VmsBooting')).toBe(false);
    expect(isErrorReason('Draining')).toBe(false);
  });

  it('derives a code for rows recorded before codes existed, from a known state', () => {
    expect(defaultReasonCode('degraded')).toBe('BelowMinimum');
    expect(defaultReasonCode('provisioning')).toBe('Unknown');
    for (const state of [
      'pending-approval',
      'provisioning',
      'ready',
      'degraded',
      'failed',
      'rejected',
      'deleting',
      'deleted',
    ] as const) {
      expect(POOL_REASON_CODES).toContain(defaultReasonCode(state));
    }
  });
});
