import { ConfigReader } from '@backstage/config';
import { readTaskSchedules, TASK_SCHEDULE_DEFAULTS } from './taskSchedules';

const read = (schedules?: object) =>
  readTaskSchedules(new ConfigReader(schedules ? { schedules } : {}));

describe('readTaskSchedules', () => {
  it('keeps every default when nothing is configured', () => {
    expect(read()).toEqual({
      tasks: TASK_SCHEDULE_DEFAULTS,
      refreshSeconds: 15,
    });
  });

  it("reads a task with Backstage's schedule reader and keeps the task's scope", () => {
    const { tasks, refreshSeconds } = read({
      refresh: {
        frequency: { seconds: 20 },
        timeout: { minutes: 1 },
        scope: 'global',
      },
      ghostSweeper: { frequency: { cron: '*/5 * * * *' }, timeout: 'PT2M' },
    });
    expect(tasks.refresh).toMatchObject({
      frequency: { seconds: 20 },
      timeout: { minutes: 1 },
      scope: 'local',
    });
    expect(refreshSeconds).toBe(20);
    expect(tasks.ghostSweeper).toMatchObject({
      frequency: { cron: '*/5 * * * *' },
      scope: 'global',
    });
    expect(tasks.historySample).toEqual(TASK_SCHEDULE_DEFAULTS.historySample);
  });

  it('names the key of a task that does not exist, a missing timeout and a cron refresh', () => {
    expect(() => read({ sweeper: { frequency: { seconds: 1 } } })).toThrow(
      "Invalid config at 'runners.schedules.sweeper': is not a task of the plugin; the tasks are refresh, historySample, historyPrune, storePrune, ghostSweeper, fleetRollouts, usageCollect",
    );
    expect(() => read({ storePrune: { frequency: { hours: 2 } } })).toThrow(
      /runners\.schedules\.storePrune.*timeout/,
    );
    expect(() =>
      read({
        refresh: { frequency: { cron: '* * * * *' }, timeout: { minutes: 1 } },
      }),
    ).toThrow(
      "Invalid config at 'runners.schedules.refresh.frequency': must be a duration",
    );
  });
});
