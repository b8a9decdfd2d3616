import { defaultSeed } from '@runner-fleet/gitlab-emulator';
import { TrafficOptions, TrafficStream } from '../options';

/**
 * Relative job arrivals per hour of a weekday (local time): quiet nights, a ramp from 07:00,
 * the plateau 10:00-16:00 where most pipelines run, a tail into the evening.
 */
export const DEFAULT_HOURLY_WEIGHTS: readonly number[] = [
  0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.5, 3.4, 4.2, 4.4, 4.0, 4.2, 4.4,
  4.3, 3.8, 2.8, 1.8, 1.2, 0.9, 0.6, 0.4, 0.3,
];

/** An average month: 30.44 days, 5/7 of them weekdays. */
const DAYS_PER_MONTH = 365.25 / 12;
const WEEKDAYS_PER_MONTH = (DAYS_PER_MONTH * 5) / 7;
const WEEKEND_DAYS_PER_MONTH = (DAYS_PER_MONTH * 2) / 7;

/** Traffic options with defaults filled in and weights normalised. */
export interface TrafficProfile {
  jobsPerMonth: number;
  streams: Array<{ project: number | string; tags: string[]; share: number }>;
  hourlyWeights: readonly number[];
  weekendFactor: number;
  utcOffsetHours: number;
  tickSeconds: number;
  jobDuration: { medianSeconds: number; sigma: number };
  maxPendingJobs: number;
}

/** One stream per project of the emulator's default seed; Windows apps ask for `windows`. */
export function defaultStreams(): TrafficStream[] {
  return defaultSeed.projects.map(project => ({
    project: `${project.group}/${project.path}`,
    tags: /windows/i.test(project.path) ? ['windows'] : ['linux'],
    weight: 1,
  }));
}

/** Validates traffic options and fills in defaults. */
export function resolveTraffic(options: TrafficOptions): TrafficProfile {
  const weights = options.hourlyWeights ?? DEFAULT_HOURLY_WEIGHTS;
  if (weights.length !== 24 || weights.some(w => !(w >= 0))) {
    throw new Error('traffic.hourlyWeights needs 24 non-negative numbers');
  }
  const streams = options.streams ?? defaultStreams();
  const total = streams.reduce((sum, s) => sum + (s.weight ?? 1), 0);
  if (!(total > 0))
    throw new Error('traffic.streams need a positive total weight');
  return {
    jobsPerMonth: (options.jobsPerMonth ?? 3_000_000) * (options.share ?? 0.01),
    streams: streams.map(s => ({
      project: s.project,
      tags: s.tags,
      share: (s.weight ?? 1) / total,
    })),
    hourlyWeights: weights,
    weekendFactor: options.weekendFactor ?? 0.15,
    utcOffsetHours: options.utcOffsetHours ?? 1,
    tickSeconds: options.tickSeconds ?? 60,
    jobDuration: {
      medianSeconds: options.jobDuration?.medianSeconds ?? 360,
      sigma: options.jobDuration?.sigma ?? 0.8,
    },
    maxPendingJobs: options.maxPendingJobs ?? 1000,
  };
}

/** Jobs on a whole weekday and a weekend day, so that a month adds up to `jobsPerMonth`. */
export function jobsPerDay(profile: TrafficProfile): {
  weekday: number;
  weekend: number;
} {
  const weekday =
    profile.jobsPerMonth /
    (WEEKDAYS_PER_MONTH + WEEKEND_DAYS_PER_MONTH * profile.weekendFactor);
  return { weekday, weekend: weekday * profile.weekendFactor };
}

/** The arrival rate (jobs per second, all streams) at a moment of simulated time. */
export function jobsPerSecond(profile: TrafficProfile, at: Date): number {
  const local = new Date(at.getTime() + profile.utcOffsetHours * 3_600_000);
  const day = local.getUTCDay();
  const weekend = day === 0 || day === 6;
  const perDay = jobsPerDay(profile)[weekend ? 'weekend' : 'weekday'];
  const sum = profile.hourlyWeights.reduce((a, b) => a + b, 0);
  return (perDay * (profile.hourlyWeights[local.getUTCHours()] / sum)) / 3600;
}
