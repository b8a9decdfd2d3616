import { Random } from '../random';
import {
  defaultStreams,
  jobsPerDay,
  jobsPerSecond,
  resolveTraffic,
} from './profile';

describe('the daily job profile', () => {
  const profile = resolveTraffic({});

  it('adds up to the monthly volume: 3 million jobs × share 0.01', () => {
    const { weekday, weekend } = jobsPerDay(profile);
    const month =
      weekday * ((365.25 / 12) * (5 / 7)) + weekend * ((365.25 / 12) * (2 / 7));
    expect(month).toBeCloseTo(30_000, 0);
    expect(weekend / weekday).toBeCloseTo(0.15);
    // integrating the hourly rate over a weekday gives the weekday total
    const monday = Date.parse('2026-06-01T00:00:00Z') - 3_600_000; // 00:00 CET
    let total = 0;
    for (let h = 0; h < 24; h++)
      total += jobsPerSecond(profile, new Date(monday + h * 3_600_000)) * 3600;
    expect(total).toBeCloseTo(weekday, 6);
  });

  it('peaks between 10:00 and 16:00 local time and is quiet at night', () => {
    const at = (hour: number) =>
      jobsPerSecond(profile, new Date(Date.UTC(2026, 5, 3, hour - 1, 30)));
    const peak = [10, 11, 12, 13, 14, 15].map(at);
    expect(Math.min(...peak)).toBeGreaterThan(at(8) * 1.5);
    expect(Math.min(...peak)).toBeGreaterThan(at(3) * 20);
    expect(at(12)).toBeGreaterThan(
      jobsPerSecond(profile, new Date(Date.UTC(2026, 5, 6, 11, 30))) * 5,
    ); // Saturday
  });

  it('spreads jobs over the example projects; Windows apps ask for windows runners', () => {
    const streams = defaultStreams();
    expect(streams).toHaveLength(7);
    expect(
      streams.find(s => String(s.project).endsWith('windows-desktop-app'))
        ?.tags,
    ).toEqual(['windows']);
    expect(
      resolveTraffic({}).streams.reduce((sum, s) => sum + s.share, 0),
    ).toBeCloseTo(1);
  });

  it('draws log-normal durations around the median (6 min)', () => {
    const random = new Random('durations');
    const draws = Array.from({ length: 4001 }, () =>
      random.logNormal(360, 0.8),
    ).sort((a, b) => a - b);
    expect(draws[2000]).toBeGreaterThan(330);
    expect(draws[2000]).toBeLessThan(390);
  });
});

describe('Random', () => {
  it('is reproducible per seed and per fork key', () => {
    const a = new Random(42);
    const b = new Random(42);
    expect([a.next(), a.next(), a.nameSuffix()]).toEqual([
      b.next(),
      b.next(),
      b.nameSuffix(),
    ]);
    expect(new Random(42).fork('vmi/ns/x').next()).toBe(
      new Random(42).fork('vmi/ns/x').next(),
    );
    expect(new Random(42).fork('vmi/ns/x').next()).not.toBe(
      new Random(42).fork('vmi/ns/y').next(),
    );
    expect(new Random(1).nameSuffix()).toMatch(
      /^[bcdfghjklmnpqrstvwxz2456789]{5}$/,
    );
  });

  it('draws Poisson counts with the right mean', () => {
    const random = new Random('poisson');
    const mean = (m: number) =>
      Array.from({ length: 5000 }, () => random.poisson(m)).reduce(
        (a, b) => a + b,
        0,
      ) / 5000;
    expect(mean(0.3)).toBeCloseTo(0.3, 1);
    expect(mean(50)).toBeGreaterThan(49);
    expect(mean(50)).toBeLessThan(51);
  });
});
