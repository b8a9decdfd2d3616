import { UsageHour } from '../database/UsageStore';
import { resourceUse } from './resourceUse';

const hour = (i: number, cpuP95: number, flavor = 'm1.large'): UsageHour => ({
  poolId: 'p1',
  hour: i * 3_600_000,
  flavor,
  cpuP95,
  cpuMean: cpuP95 / 2,
  memoryP95: 0.4,
  memoryMean: 0.2,
  samples: 60,
});

describe('resourceUse', () => {
  it('takes the p95 of the hourly p95s of the current flavor', () => {
    // 90 quiet hours, 10 hours near the limit: more than one hour in twenty counts.
    const hours = [
      ...Array.from({ length: 90 }, (_, i) => hour(i, 0.2)),
      ...Array.from({ length: 10 }, (_, i) => hour(90 + i, 0.96)),
      hour(200, 1, 'm1.xlarge'),
    ];
    expect(resourceUse(hours, 'm1.large')).toEqual({
      cpuP95: 0.96,
      memoryP95: 0.4,
      hours: 100,
    });
  });

  it('lets a single spike pass, and knows nothing without hours of the flavor', () => {
    const hours = [
      ...Array.from({ length: 99 }, (_, i) => hour(i, 0.2)),
      hour(99, 1),
    ];
    expect(resourceUse(hours, 'm1.large')?.cpuP95).toBe(0.2);
    expect(resourceUse(hours, 'm1.xlarge')).toBeUndefined();
  });
});
