import { formatLabelSelector, matchesSelector } from './labelSelector';

describe('label selectors', () => {
  it('formats as metav1.FormatLabelSelector: sorted requirements', () => {
    expect(
      formatLabelSelector({
        matchLabels: {
          'runner-fleet.io/role': 'primary',
          'runner-fleet.io/pool': 'p-1',
        },
      }),
    ).toBe('runner-fleet.io/pool=p-1,runner-fleet.io/role=primary');
    expect(
      formatLabelSelector({
        matchLabels: { app: 'x' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['b', 'a'] },
          { key: 'gone', operator: 'DoesNotExist' },
          { key: 'env', operator: 'NotIn', values: ['prod'] },
          { key: 'has', operator: 'Exists' },
        ],
      }),
    ).toBe('app=x,env notin (prod),!gone,has,tier in (a,b)');
    expect(formatLabelSelector(undefined)).toBe('');
  });

  it('matches labels', () => {
    const selector = {
      matchLabels: { pool: 'a' },
      matchExpressions: [{ key: 'role', operator: 'In', values: ['primary'] }],
    };
    expect(
      matchesSelector(selector, { pool: 'a', role: 'primary', extra: 'x' }),
    ).toBe(true);
    expect(matchesSelector(selector, { pool: 'a', role: 'burst' })).toBe(false);
    expect(matchesSelector({}, {})).toBe(true);
  });
});
