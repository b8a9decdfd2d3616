import { EmulatorClock } from './EmulatorClock';
import { randomToken } from './secrets';
import { Store } from './Store';
import {
  RunnerAccessLevel,
  RunnerManagerRecord,
  RunnerRecord,
  RunnerType,
} from './types';

/** `Ci::Runner::CREATED_RUNNER_TOKEN_PREFIX`. */
export const RUNNER_TOKEN_PREFIX = 'glrt-';
/** `Ci::RunnerManager` key for runners that send no `system_id`. */
export const LEGACY_SYSTEM_ID = '<legacy>';
const TAG_LIST_MAX_LENGTH = 50;

/** Editable runner attributes, already coerced by the route. */
export interface RunnerAttributes {
  description?: string | null;
  paused?: boolean;
  locked?: boolean;
  runUntagged?: boolean;
  tagList?: string[];
  accessLevel?: RunnerAccessLevel;
  maximumTimeout?: number | null;
  maintenanceNote?: string | null;
}

/** What a runner reports about itself in `info`. */
export interface RunnerInfo {
  version?: string;
  revision?: string;
  platform?: string;
  architecture?: string;
  executor?: string;
}

/** Model validation errors by attribute, as ActiveRecord reports them. */
export type ValidationErrors = Record<string, string[]>;

const HUMAN_NAMES: Record<string, string> = {
  tags_list: 'Tags list',
  maximum_timeout: 'Maximum timeout',
  description: 'Description',
  maintenance_note: 'Maintenance note',
};

/** `errors.full_messages.to_sentence`, as CreateRunnerService reports. */
export function errorSentence(errors: ValidationErrors): string {
  const messages = Object.entries(errors).flatMap(([attr, list]) =>
    list.map(m => `${HUMAN_NAMES[attr] ?? attr} ${m}`),
  );
  if (messages.length <= 2) {
    return messages.join(' and ');
  }
  return `${messages.slice(0, -1).join(', ')}, and ${messages.at(-1)}`;
}

/** Creates, changes and heartbeats runners and their managers. */
export class RunnerService {
  readonly #store: Store;
  readonly #clock: EmulatorClock;

  constructor(store: Store, clock: EmulatorClock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** `Ci::Runner` validations for a runner with these attributes. */
  validate(runner: RunnerRecord): ValidationErrors | undefined {
    const errors: ValidationErrors = {};
    const add = (attr: string, message: string) => {
      (errors[attr] ??= []).push(message);
    };
    if (runner.tagList.length === 0 && !runner.runUntagged) {
      add(
        'tags_list',
        'can not be empty when runner is not allowed to pick untagged jobs',
      );
    }
    if (runner.tagList.length > TAG_LIST_MAX_LENGTH) {
      add(
        'tags_list',
        `Too many tags specified. Please limit the number of tags to ${TAG_LIST_MAX_LENGTH}`,
      );
    }
    if ((runner.description ?? '').length > 1024) {
      add('description', 'is too long (maximum is 1024 characters)');
    }
    if (runner.maximumTimeout !== null && runner.maximumTimeout < 600) {
      add('maximum_timeout', 'needs to be at least 10 minutes');
    }
    if ((runner.maintenanceNote ?? '').length > 1024) {
      add('maintenance_note', 'is too long (maximum is 1024 characters)');
    }
    return Object.keys(errors).length > 0 ? errors : undefined;
  }

  /** Builds and saves a runner, or returns the validation errors. */
  create(options: {
    runnerType: RunnerType;
    groupId?: number;
    projectId?: number;
    creatorId: number;
    attributes: RunnerAttributes;
  }): { runner: RunnerRecord } | { errors: ValidationErrors } {
    const now = this.#clock.iso();
    const runner: RunnerRecord = {
      id: 0,
      runnerType: options.runnerType,
      description: null,
      name: null,
      active: true,
      locked: false,
      runUntagged: true,
      tagList: [],
      accessLevel: 'not_protected',
      maximumTimeout: null,
      maintenanceNote: null,
      groupId: options.groupId ?? null,
      projectIds: options.projectId === undefined ? [] : [options.projectId],
      token: randomToken(RUNNER_TOKEN_PREFIX),
      tokenExpiresAt: null,
      creatorId: options.creatorId,
      createdAt: now,
      updatedAt: now,
      contactedAt: null,
    };
    this.#apply(runner, options.attributes);
    const errors = this.validate(runner);
    if (errors) {
      return { errors };
    }
    runner.id = this.#store.nextId('runners');
    this.#store.runners.set(runner.id, runner);
    return { runner };
  }

  /** Applies an update if the result is valid; the runner is left alone otherwise. */
  update(
    runner: RunnerRecord,
    attributes: RunnerAttributes,
  ): ValidationErrors | undefined {
    const candidate = structuredClone(runner);
    this.#apply(candidate, attributes);
    const errors = this.validate(candidate);
    if (errors) {
      return errors;
    }
    Object.assign(runner, candidate, { updatedAt: this.#clock.iso() });
    return undefined;
  }

  resetToken(runner: RunnerRecord): void {
    runner.token = randomToken(RUNNER_TOKEN_PREFIX);
    runner.updatedAt = this.#clock.iso();
  }

  /** `Ci::Runner#heartbeat`. */
  heartbeat(runner: RunnerRecord): void {
    runner.contactedAt = this.#clock.iso();
  }

  /** `ensure_manager` + `RunnerManager#heartbeat` for a runner request. */
  heartbeatManager(
    runner: RunnerRecord,
    systemId: string | undefined,
    info: RunnerInfo | undefined,
    ipAddress: string | null,
  ): RunnerManagerRecord {
    const now = this.#clock.iso();
    const wanted = systemId ?? LEGACY_SYSTEM_ID;
    let manager = this.#store
      .managersOf(runner.id)
      .find(m => m.systemId === wanted);
    if (!manager) {
      manager = {
        id: this.#store.nextId('runnerManagers'),
        runnerId: runner.id,
        systemId: wanted,
        version: null,
        revision: null,
        platform: null,
        architecture: null,
        executor: null,
        ipAddress: null,
        createdAt: now,
        updatedAt: now,
        contactedAt: null,
      };
      this.#store.runnerManagers.set(manager.id, manager);
    }
    manager.version = info?.version ?? manager.version;
    manager.revision = info?.revision ?? manager.revision;
    manager.platform = info?.platform ?? manager.platform;
    manager.architecture = info?.architecture ?? manager.architecture;
    manager.executor = info?.executor ?? manager.executor;
    manager.ipAddress = ipAddress ?? manager.ipAddress;
    manager.contactedAt = now;
    manager.updatedAt = now;
    return manager;
  }

  #apply(runner: RunnerRecord, a: RunnerAttributes): void {
    if (a.description !== undefined) runner.description = a.description;
    if (a.paused !== undefined) runner.active = !a.paused;
    if (a.locked !== undefined) runner.locked = a.locked;
    if (a.runUntagged !== undefined) runner.runUntagged = a.runUntagged;
    if (a.tagList !== undefined) runner.tagList = normalizeTags(a.tagList);
    if (a.accessLevel !== undefined) runner.accessLevel = a.accessLevel;
    if (a.maximumTimeout !== undefined) {
      runner.maximumTimeout = a.maximumTimeout;
    }
    if (a.maintenanceNote !== undefined) {
      runner.maintenanceNote = a.maintenanceNote;
    }
  }
}

/** Tag lists as acts-as-taggable stores them: trimmed, non-empty, unique. */
export function normalizeTags(tags: string[]): string[] {
  const seen = new Set<string>();
  for (const tag of tags) {
    const trimmed = tag.trim();
    if (trimmed) {
      seen.add(trimmed);
    }
  }
  return [...seen];
}
