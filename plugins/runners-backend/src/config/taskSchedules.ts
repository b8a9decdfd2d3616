import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { fail } from './configValues';

/** A scheduled task of the plugin. */
export type RunnersTaskName =
  | 'refresh'
  | 'historySample'
  | 'historyPrune'
  | 'storePrune'
  | 'ghostSweeper'
  | 'fleetRollouts'
  | 'usageCollect';

/**
 * The plugin's scheduled tasks with their defaults, the one place they are written down. The
 * scope is part of each task's correctness and cannot be configured: `refresh` fills the
 * replica's own watch cache and CI snapshot (every replica runs it), the others write shared
 * state and run on one replica at a time.
 */
export const TASK_SCHEDULE_DEFAULTS = {
  /** Health and CI snapshot refresh on every replica; its frequency is the poller's round. */
  refresh: {
    frequency: { seconds: 15 },
    timeout: { minutes: 2 },
    scope: 'local',
  },
  /** Fleet history sample; twice a minute so every minute bucket gets one despite jitter. */
  historySample: {
    frequency: { seconds: 30 },
    timeout: { minutes: 1 },
    scope: 'global',
  },
  historyPrune: {
    frequency: { hours: 1 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 1 },
    scope: 'global',
  },
  /** Pool events and deleted pools past `runners.retention`. */
  storePrune: {
    frequency: { hours: 1 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 2 },
    scope: 'global',
  },
  ghostSweeper: {
    frequency: { seconds: 60 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 30 },
    scope: 'global',
  },
  /** Advances open fleet rollouts (admits the next pools); one replica at a time. */
  fleetRollouts: {
    frequency: { seconds: 30 },
    timeout: { minutes: 2 },
    scope: 'global',
  },
  /** Reads CPU and memory use from `runners.usage` into the database; hourly, one replica. */
  usageCollect: {
    frequency: { hours: 1 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 3 },
    scope: 'global',
  },
} satisfies Record<RunnersTaskName, SchedulerServiceTaskScheduleDefinition>;

/** Schedules after `runners.schedules`, plus the refresh round in seconds. */
export interface TaskSchedules {
  /** Each task's schedule, ready for `scheduler.scheduleTask`. */
  tasks: Record<RunnersTaskName, SchedulerServiceTaskScheduleDefinition>;
  /** Seconds between refreshes: the CI poller plans its GitLab requests per round. */
  refreshSeconds: number;
}

/**
 * Reads `runners.schedules.<task>` with Backstage's schedule reader (frequency and timeout
 * required, as everywhere in Backstage); a task without an entry keeps its default.
 */
export function readTaskSchedules(config: Config | undefined): TaskSchedules {
  const section = config?.getOptionalConfig('schedules');
  for (const key of section?.keys() ?? []) {
    if (!(key in TASK_SCHEDULE_DEFAULTS)) {
      fail(
        `schedules.${key}`,
        `is not a task of the plugin; the tasks are ${Object.keys(
          TASK_SCHEDULE_DEFAULTS,
        ).join(', ')}`,
      );
    }
  }
  const names = Object.keys(TASK_SCHEDULE_DEFAULTS) as RunnersTaskName[];
  const tasks = Object.fromEntries(
    names.map(name => {
      const defaults: SchedulerServiceTaskScheduleDefinition =
        TASK_SCHEDULE_DEFAULTS[name];
      const own = section?.getOptionalConfig(name);
      if (!own) return [name, defaults];
      let read: SchedulerServiceTaskScheduleDefinition;
      try {
        read = readSchedulerServiceTaskScheduleDefinitionFromConfig(own);
      } catch (error) {
        return fail(`schedules.${name}`, (error as Error).message);
      }
      return [name, { ...read, scope: defaults.scope }];
    }),
  ) as Record<RunnersTaskName, SchedulerServiceTaskScheduleDefinition>;
  const frequency = tasks.refresh.frequency;
  if ('cron' in frequency || 'trigger' in frequency) {
    fail(
      'schedules.refresh.frequency',
      'must be a duration such as { seconds: 15 }: the CI poller spreads its GitLab requests over one refresh round',
    );
  }
  const refreshSeconds =
    durationToMilliseconds(frequency as HumanDuration) / 1000;
  if (!(refreshSeconds >= 1)) {
    fail(
      'schedules.refresh.frequency',
      `must be at least one second, got ${refreshSeconds} s`,
    );
  }
  return { tasks, refreshSeconds };
}
