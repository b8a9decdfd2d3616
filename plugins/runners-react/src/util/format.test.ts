import { formatCost, formatPercent, formatSeconds } from './format';

describe('format', () => {
  it('writes durations in the unit people read fastest', () => {
    expect(formatSeconds(undefined)).toBe('–');
    expect(formatSeconds(42.4)).toBe('42 s');
    expect(formatSeconds(185)).toBe('3 min 5 s');
    expect(formatSeconds(120)).toBe('2 min');
    expect(formatSeconds(7800)).toBe('2 h 10 min');
    expect(formatSeconds(3600)).toBe('1 h');
  });

  it('writes shares as percentages and costs with one decimal', () => {
    expect(formatPercent(0.354)).toBe('35%');
    expect(formatPercent(undefined)).toBe('–');
    expect(formatCost(12.345)).toBe('12.3');
    expect(formatCost(1234.5)).toBe('1235');
  });
});
