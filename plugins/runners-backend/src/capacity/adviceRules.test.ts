import {
  EXAMPLE_FLAVOR_CATALOG,
  examplePoolSpec,
} from '@runner-fleet/plugin-runners-common/testUtils';
import { AutoscalingSpec, Flavor } from '@runner-fleet/plugin-runners-common';
import {
  DEFAULT_THRESHOLDS,
  flavorRule,
  idleRule,
  recurringWaitRule,
} from './adviceRules';
import {
  A_MONDAY,
  HourShape,
  hourHistory,
  NORMAL_HOUR,
} from './__testUtils__/hourHistory';

const [large, xlarge] = EXAMPLE_FLAVOR_CATALOG.flavors;
const t = DEFAULT_THRESHOLDS;

function pool(autoscaling: Partial<AutoscalingSpec> = {}, flavor = large) {
  const spec = examplePoolSpec({ team: 'payments', name: 'builds' });
  return {
    spec: {
      ...spec,
      autoscaling: {
        ...spec.autoscaling,
        minReplicas: 1,
        maxReplicas: 10,
        scaleToZero: false,
        ...autoscaling,
      },
    },
    flavor,
  };
}

const weekdayHour = (ms: number) => {
  const d = new Date(ms);
  return { day: d.getUTCDay(), hour: d.getUTCHours() };
};

/** Two weeks in which `shape` decides each hour. */
const history = (shape: (hour: number) => HourShape, flavor: Flavor = large) =>
  hourHistory({
    poolId: 'p1',
    flavor,
    start: A_MONDAY,
    days: 14,
    shape,
  });

/** Jobs queue for minutes from 08:00 to 10:00 on the weekdays `rushDays` says. */
const rush =
  (rushDays: (dayIndex: number) => boolean = () => true) =>
  (hour: number): HourShape => {
    const { day, hour: h } = weekdayHour(hour);
    const dayIndex = Math.floor((hour - A_MONDAY) / 86_400_000);
    if (day >= 1 && day <= 5 && (h === 8 || h === 9) && rushDays(dayIndex)) {
      return {
        ...NORMAL_HOUR,
        busySlotsMax: 10,
        pendingMax: 6,
        jobsStarted: 40,
        waitP95: 240,
      };
    }
    return NORMAL_HOUR;
  };

describe('recurring queue waits → a schedule of min replicas', () => {
  it('fires on waits over target at the same weekday hours, with the figures behind it', () => {
    const advice = recurringWaitRule(pool(), history(rush()), t);
    expect(advice).toMatchObject({
      kind: 'schedule-min-replicas',
      title: 'Keep 8 VMs Mon–Fri 08:00–10:00 UTC',
      change: {
        autoscaling: {
          schedules: [
            {
              days: '1-5',
              startHour: 8,
              endHour: 10,
              minReplicas: 8,
              timezone: 'UTC',
            },
          ],
        },
      },
    });
    expect(advice!.reasoning[0]).toBe(
      '08:00–09:00 UTC: queue wait p95 was 240 s (target 30 s) on 10 of 10 weekdays that ran jobs then; 8 VMs of m1.large (2 job slots each) hold the jobs that ran and waited at its peak.',
    );
    expect(advice!.reasoning).toContain('Based on 10 weekdays of history.');
  });

  it('stays silent when jobs start within the target', () => {
    expect(
      recurringWaitRule(
        pool(),
        history(() => NORMAL_HOUR),
        t,
      ),
    ).toBeUndefined();
  });

  it('stays silent on a rush that came on two days only (not recurring)', () => {
    expect(
      recurringWaitRule(
        pool(),
        history(rush(day => day === 0 || day === 7)),
        t,
      ),
    ).toBeUndefined();
  });

  it('stays silent once the pool has the schedule', () => {
    const withSchedule = pool({
      schedules: [
        {
          days: '1-5',
          startHour: 8,
          endHour: 10,
          minReplicas: 8,
          timezone: 'UTC',
        },
      ],
    });
    expect(recurringWaitRule(withSchedule, history(rush()), t)).toBeUndefined();
  });
});

describe('mostly idle → lower min replicas or scale to zero', () => {
  const quiet = (hour: number): HourShape =>
    weekdayHour(hour).hour === 10
      ? { ...NORMAL_HOUR, utilization: 0.1, busySlotsMax: 2, jobsStarted: 3 }
      : { ...NORMAL_HOUR, utilization: 0, busySlotsMax: 0, jobsStarted: 0 };

  it('fires scale-to-zero on a pool that runs jobs one hour a day', () => {
    const advice = idleRule(pool({ minReplicas: 3 }), history(quiet), t);
    expect(advice).toMatchObject({
      kind: 'lower-min-replicas',
      title: 'Scale to zero when no job runs or waits',
      change: { autoscaling: { minReplicas: 0, scaleToZero: true } },
    });
    expect(advice!.reasoning[0]).toBe(
      'Over 336 hours, 0% of the job slots were busy (idle below 10%), while the pool kept at least 3 VMs running.',
    );
    expect(advice!.reasoning[1]).toMatch(/^96% of the hours started no job/);
  });

  it('lowers min replicas when jobs come every hour but use few slots', () => {
    const light = (): HourShape => ({
      ...NORMAL_HOUR,
      vms: 6,
      utilization: 0.05,
      busySlotsMax: 2,
    });
    expect(idleRule(pool({ minReplicas: 6 }), history(light), t)).toMatchObject(
      {
        title: 'Lower min replicas from 6 to 1',
        change: { autoscaling: { minReplicas: 1 } },
      },
    );
  });

  it('stays silent on a busy pool, and on one that already scales to zero', () => {
    expect(
      idleRule(pool({ minReplicas: 3 }), history(rush()), t),
    ).toBeUndefined();
    expect(
      idleRule(pool({ minReplicas: 0, scaleToZero: true }), history(quiet), t),
    ).toBeUndefined();
  });
});

describe('CPU and memory unused or exhausted → a flavor change', () => {
  const catalog = EXAMPLE_FLAVOR_CATALOG.flavors;

  it('fires a smaller flavor when most CPU and memory go unused', () => {
    expect(
      flavorRule(
        pool({}, xlarge),
        { cpuP95: 0.15, memoryP95: 0.2, hours: 300 },
        catalog,
        t,
      ),
    ).toMatchObject({
      kind: 'flavor-change',
      title: 'Move to m1.large: most CPU and memory go unused',
      change: { flavor: 'm1.large' },
    });
  });

  it('fires a larger flavor when jobs run out of CPU', () => {
    const advice = flavorRule(
      pool(),
      { cpuP95: 0.96, memoryP95: 0.5, hours: 300 },
      catalog,
      t,
    );
    expect(advice).toMatchObject({
      title: 'Move to m1.xlarge: jobs run out of CPU',
      change: { flavor: 'm1.xlarge' },
    });
    expect(advice!.reasoning[0]).toBe(
      'At p95 over 300 hours the VMs used 96% of 4 vCPU and 50% of 6 GiB (m1.large).',
    );
  });

  it('stays silent on a flavor that fits, on too little data, and without a usage source', () => {
    const fits = { cpuP95: 0.5, memoryP95: 0.6, hours: 300 };
    expect(flavorRule(pool(), fits, catalog, t)).toBeUndefined();
    expect(
      flavorRule(pool(), { ...fits, cpuP95: 0.99, hours: 10 }, catalog, t),
    ).toBeUndefined();
    expect(flavorRule(pool(), undefined, catalog, t)).toBeUndefined();
  });
});
