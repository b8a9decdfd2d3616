import { utilisationBand } from './PoolSummary';

describe('utilisationBand', () => {
  it('calls a pool idle below half its target, not red', () => {
    expect(utilisationBand(0, 0.3)).toBe('idle');
    expect(utilisationBand(0.14, 0.3)).toBe('idle');
  });

  it('calls a pool on target from half its target up to 90%', () => {
    expect(utilisationBand(0.15, 0.3)).toBe('on target');
    expect(utilisationBand(0.6, 0.3)).toBe('on target');
    expect(utilisationBand(0.89, 0.3)).toBe('on target');
  });

  it('calls a pool saturated from 90% of its slots, whatever the target', () => {
    expect(utilisationBand(0.9, 0.3)).toBe('saturated');
    expect(utilisationBand(1, 0.8)).toBe('saturated');
  });
});
