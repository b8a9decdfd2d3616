import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  GitLabEmulator,
  seedTokens,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { AutoscalingSpec } from '@runner-fleet/plugin-runners-common';
import { randomBytes, randomUUID } from 'node:crypto';
import { readRunnersConfig, RunnersConfig } from '../config';
import { DatabaseHistoryStore } from '../database/DatabaseHistoryStore';
import { DatabasePoolStore } from '../database/DatabasePoolStore';
import {
  PoolPatch,
  PoolRecord,
  PoolStore,
  PoolTransition,
} from '../database/PoolStore';
import { createTestDatabases } from './databases';

/** Polls `fn` until `check` accepts its value; fails with the last value after the timeout. */
export async function eventually<T>(
  what: string,
  fn: () => Promise<T> | T,
  check: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (check(last)) return last;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(
    `${what}: not reached within ${timeoutMs} ms; last value ${JSON.stringify(
      last,
    )}`,
  );
}

/** Runners config for tests against the GitLab emulator, with roomy quotas. */
export function testRunnersConfig(
  gitlabUrl: string,
  runners: Record<string, unknown> = {},
): RunnersConfig {
  return readRunnersConfig(
    new ConfigReader({
      backend: { baseUrl: 'http://backstage.test:7007' },
      runners: {
        gitlab: { baseUrl: gitlabUrl, token: seedTokens.fleetBot },
        scalingMetrics: { token: 'test-scaling-token' },
        quotas: {
          default: { maxCpu: 1000, maxMemoryGiB: 2000, maxPools: 100 },
        },
        ...runners,
      },
    }),
  );
}

/** A migrated store on SQLite. */
export async function testStore(
  databases: ReturnType<typeof createTestDatabases>,
) {
  const knex = await databases.init('SQLITE_3');
  return DatabasePoolStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
}

/**
 * Writes a pool as another writer would (a user's change), conditionally on its current
 * version; for tests that set a pool up.
 */
export async function changePool(
  store: PoolStore,
  id: string,
  patch: PoolPatch,
  transition?: PoolTransition,
): Promise<PoolRecord> {
  const current = await store.getPool(id);
  if (!current) throw new Error(`no pool ${id}`);
  const next = await store.updatePool(id, current.version, patch, transition);
  if (!next) throw new Error(`pool ${id} changed meanwhile`);
  return next;
}

/** A migrated fleet history store on SQLite. */
export async function testHistoryStore(
  databases: ReturnType<typeof createTestDatabases>,
) {
  const knex = await databases.init('SQLITE_3');
  return DatabaseHistoryStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
}

/** A team name of its own, so each test gets its own namespace `runners-<team>`. */
export const newTeam = () => `t${randomBytes(3).toString('hex')}`;

/** Stores a provisioning pool `builds` of a fresh team (group runner of engineering/payments). */
export async function insertTestPool(
  store: DatabasePoolStore,
  config: RunnersConfig,
  options: {
    flavor?: string;
    team?: string;
    /** Pool name; default `builds`. */
    name?: string;
    autoscaling?: Partial<AutoscalingSpec>;
    tags?: string[];
  } = {},
): Promise<PoolRecord> {
  const flavorName = options.flavor ?? 'm1.large';
  const team = options.team ?? newTeam();
  const flavor = config.catalog.flavors.find(f => f.name === flavorName)!;
  const autoscaling: AutoscalingSpec = {
    minReplicas: 1,
    maxReplicas: 4,
    targetUtilization: 0.3,
    scaleToZero: false,
    burst: false,
    ...options.autoscaling,
  };
  return store.withTeam(team, tx =>
    tx.insertPool({
      id: randomUUID(),
      team,
      name: options.name ?? 'builds',
      spec: {
        team,
        name: options.name ?? 'builds',
        flavor: flavorName,
        autoscaling,
        gitlab: {
          scope: { type: 'group', path: 'engineering/payments' },
          tags: options.tags ?? ['linux', 'docker'],
          runUntagged: false,
        },
      },
      flavor,
      reserved: {
        cpu: flavor.cpu * autoscaling.maxReplicas,
        memoryGiB: flavor.memoryGiB * autoscaling.maxReplicas,
      },
      state: 'provisioning',
      stateReason: 'test',
      stateCode: 'Requested',
      createdBy: 'user:default/test',
    }),
  );
}

/**
 * One GitLab emulator for the calling test file: started before its tests, stopped after them.
 * The returned object stands for the running emulator.
 */
export function useGitLabEmulator(): GitLabEmulator {
  let current: GitLabEmulator | undefined;
  beforeAll(async () => {
    current = await startGitLabEmulator();
  });
  afterAll(async () => {
    await current?.stop();
  });
  return new Proxy({} as GitLabEmulator, {
    get: (_target, property) => {
      if (!current) throw new Error('the GitLab emulator is not started yet');
      return Reflect.get(current, property);
    },
  });
}
