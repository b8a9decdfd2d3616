import { ScalingSchedule } from './capacity';
import {
  EXAMPLE_FLAVOR_CATALOG as catalog,
  examplePoolSpec,
} from './testUtils';
import { validatePoolSpec } from './validation';

const withSchedules = (schedules: ScalingSchedule[]) => {
  const spec = examplePoolSpec();
  return examplePoolSpec({
    autoscaling: { ...spec.autoscaling, maxReplicas: 10, schedules },
  });
};

const rush: ScalingSchedule = {
  days: '1-5',
  startHour: 8,
  endHour: 10,
  minReplicas: 6,
  timezone: 'Europe/Berlin',
};

describe('autoscaling.schedules', () => {
  it('accepts weekday, weekend and every-day windows up to midnight', () => {
    expect(
      validatePoolSpec(
        withSchedules([
          rush,
          { ...rush, days: '0,6', startHour: 0, endHour: 24 },
          { ...rush, days: '*', timezone: 'UTC' },
        ]),
        catalog,
      ),
    ).toEqual([]);
  });

  it.each([
    [
      { days: 'mon-fri' },
      'autoscaling.schedules[0].days',
      "days 'mon-fri' is not a cron day-of-week field; use e.g. '1-5' (Monday to Friday), '0,6' or '*'",
    ],
    [
      { startHour: -1 },
      'autoscaling.schedules[0].startHour',
      'startHour must be a whole hour from 0 to 23',
    ],
    [
      { endHour: 8 },
      'autoscaling.schedules[0].endHour',
      'endHour must be a whole hour after startHour (8) and at most 24',
    ],
    [
      { minReplicas: 11 },
      'autoscaling.schedules[0].minReplicas',
      'minReplicas must be a whole number from 1 to maxReplicas (10)',
    ],
    [
      { timezone: 'Mars/Olympus' },
      'autoscaling.schedules[0].timezone',
      "'Mars/Olympus' is not an IANA time zone; use e.g. 'UTC' or 'Europe/Berlin'",
    ],
  ])('refuses %j, naming the field', (change, field, message) => {
    expect(
      validatePoolSpec(withSchedules([{ ...rush, ...change }]), catalog),
    ).toEqual([{ field, message }]);
  });

  it('allows at most 8 schedules', () => {
    expect(
      validatePoolSpec(withSchedules(new Array(9).fill(rush)), catalog).map(
        e => e.field,
      ),
    ).toEqual(['autoscaling.schedules']);
  });
});
