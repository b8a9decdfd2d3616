import { ciDataAge, utilisationBand } from './PoolSummary';

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

describe('ciDataAge', () => {
  it('says how old the CI figures are, and when they are stale', () => {
    expect(ciDataAge(undefined)).toBe('not read from GitLab yet');
    expect(ciDataAge(12.4)).toBe('from 12 s ago');
    expect(ciDataAge(240)).toBe('from 4 min ago');
    expect(ciDataAge(420)).toMatch(/^stale: from 7 min ago/);
  });
});
