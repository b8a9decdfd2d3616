/*
 * Three backend replicas — separate OS processes running the real backend-defaults backend with
 * the runners plugin — share one PostgreSQL database, the real control plane (testenv) and the
 * GitLab emulator, while the fleet simulator boots the VMs they ask for. A storm of creates,
 * changes, deletes (also 0–5 s after the create) and approvals goes round-robin over the
 * replicas; one replica is killed with SIGKILL while it holds a pool's reconcile lease, and
 * started again. Then every pool must have converged to its last intent, with exactly one GitLab
 * runner per live pool, nothing left of deleted pools, quota never exceeded while it ran, and
 * no pool's events stepping backwards.
 *
 * Needs PostgreSQL: `./fleet test` provides it (scripts/postgres.sh); alone, see the README.
 */
import {
  FleetSimulator,
  startFleetSimulator,
} from '@runner-fleet/fleet-simulator';
import {
  GitLabEmulator,
  seedTokens,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { LABELS } from '@runner-fleet/plugin-runners-common';
import {
  readTestClusterConnection,
  useTestCluster,
} from '@runner-fleet/testenv/jest';
import { writeKubeconfigFile } from '@runner-fleet/testenv';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesClusterClient } from '../provisioning/ClusterClient';
import { renderedKinds, teamNamespace } from '../provisioning/render';
import { freePort, Replica } from './__testUtils__/replicas';
import { runStorm, StormPlan } from './__testUtils__/runStorm';
import { Caller, ReplicaApi, sleep } from './__testUtils__/storm';

const cluster = useTestCluster();

/** The PostgreSQL of `./fleet test` (scripts/postgres.sh), if this run has one. */
const pgConnection = Object.entries(process.env).find(([key]) =>
  /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(key),
)?.[1];

const QUOTA = { maxCpu: 52, maxMemoryGiB: 1000, maxPools: 6 };
const PLAN: StormPlan = {
  seed: Number(process.env.STORM_SEED ?? Date.now() % 100000),
  pools: 20,
  changes: 24,
  deletes: 3,
  createThenDeletes: 3,
  custom: 2,
  durationMs: 15_000,
};

// Outside CI the test needs a PostgreSQL you point it at; in CI (./fleet test starts one) a
// missing PostgreSQL fails it instead of skipping it.
const describeOnPg = pgConnection || process.env.CI ? describe : describe.skip;

describeOnPg('three backend replicas on one PostgreSQL', () => {
  beforeAll(() => {
    if (!pgConnection) {
      throw new Error(
        'no PostgreSQL: set BACKSTAGE_TEST_DATABASE_POSTGRES<version>_CONNECTION_STRING (./fleet test starts one)',
      );
    }
  });

  const id = randomBytes(3).toString('hex');
  const teams = [`storm${id}a`, `storm${id}b`];
  const prefix = `storm${id}_`;
  const developer: Caller = { ref: `user:default/dev.storm${id}` };
  const platform: Caller = { ref: 'user:default/ada.platform' };
  let emulator: GitLabEmulator;
  let simulator: FleetSimulator | undefined;
  let replicas: Replica[] = [];
  let db: Knex | undefined;
  const logDir = mkdtempSync(join(tmpdir(), 'runner-fleet-storm-'));

  afterAll(async () => {
    await Promise.all(replicas.map(r => r.stop()));
    await simulator?.stop();
    await emulator?.stop();
    await db?.destroy();
    // The kubeconfig carries the backend identity's token; the replica logs stay for post-mortems.
    rmSync(join(logDir, 'backend.kubeconfig'), { force: true });
    // Each run uses databases of its own; drop them so runs do not pile up.
    const admin = knexFactory({ client: 'pg', connection: pgConnection });
    try {
      const { rows } = await admin.raw(
        'SELECT datname FROM pg_database WHERE datname LIKE ?',
        [`${prefix}%`],
      );
      for (const { datname } of rows as Array<{ datname: string }>) {
        await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
      }
    } finally {
      await admin.destroy();
    }
  }, 120_000);

  it('every intent survives a storm over three replicas and a SIGKILL mid-pass', async () => {
    const started = Date.now();
    emulator = await startGitLabEmulator();
    const kubeconfigPath = join(logDir, 'backend.kubeconfig');
    writeKubeconfigFile(
      kubeconfigPath,
      readTestClusterConnection(),
      'runner-fleet-backend',
    );
    simulator = await startFleetSimulator({
      kubeConfig: cluster.kubeConfig('fleet-simulator'),
      gitlab: { url: emulator.url, adminToken: seedTokens.admin },
      timeScale: 200,
      seed: 11,
      failureRate: 0,
      jobFailureRate: 0,
      traffic: false,
      namespaces: [...teams.map(t => teamNamespace(t)), 'runner-fleet-images'],
    });

    const ports = [await freePort(), await freePort(), await freePort()];
    const config = (port: number) => ({
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        database: { client: 'pg', connection: pgConnection, prefix },
      },
      runners: {
        clusters: [
          {
            name: 'local',
            role: 'primary',
            authProvider: 'kubeconfig',
            kubeconfigPath,
          },
        ],
        gitlab: { baseUrl: emulator.url, token: seedTokens.fleetBot },
        scalingMetrics: { token: `storm-scaling-${id}` },
        reconciler: { intervalSeconds: 5 },
        quotas: { default: QUOTA },
      },
    });
    const template = {
      config,
      logDir,
      teams: [...teams, 'platform'],
      memberships: {
        [developer.ref]: teams.map(t => `group:default/${t}`),
        [platform.ref]: ['group:default/platform'],
      },
    };
    replicas = ports.map((port, i) => new Replica(i, port, template));
    const auth = `Bearer mock-user-token:${JSON.stringify({
      sub: developer.ref,
    })}`;
    // The first replica migrates the empty database, then the other two join. Started all at
    // once, Backstage's own scheduler sometimes fails its first migration ("duplicate key value
    // violates unique constraint pg_type_typname_nsp_index" creating
    // backstage_backend_tasks__knex_migrations, seen in a clean-clone CI run): a race in the
    // framework's migrations, not in the runners plugin, which a Deployment's restart heals.
    replicas[0].start();
    await replicas[0].ready(auth);
    replicas.slice(1).forEach(r => r.start());
    await Promise.all(replicas.slice(1).map(r => r.ready(auth)));
    const startedIn = Date.now() - started;

    db = knexFactory({
      client: 'pg',
      connection: `${pgConnection}/${prefix}runners`,
    });
    const api = new ReplicaApi(replicas);
    const result = await runStorm({
      api,
      db,
      replicas,
      victim: replicas[1],
      plan: PLAN,
      teams,
      quota: QUOTA,
      developer,
      platform,
      kube: KubernetesClusterClient.create({
        name: 'admin',
        role: 'primary',
        kubeConfig: cluster.kubeConfig('admin'),
      }),
      kinds: renderedKinds.filter(k => k.scope === 'pool'),
      poolLabel: LABELS.pool,
      emulator,
    });

    const summary = {
      seed: PLAN.seed,
      logs: logDir,
      replicasStartedInMs: startedIn,
      ...result.figures,
      wallTimeMs: Date.now() - started,
    };
    // eslint-disable-next-line no-console
    console.log(`storm figures: ${JSON.stringify(summary, null, 2)}`);
    await sleep(0);

    expect(result.figures.killedWhileHolding.length).toBeGreaterThan(0);
    // The seed reproduces a failing storm: STORM_SEED=<seed>.
    expect({ seed: PLAN.seed, problems: result.problems }).toEqual({
      seed: PLAN.seed,
      problems: [],
    });
    expect(result.figures.converged).toBe(result.figures.intents);
    expect(result.figures.orphans).toBe(0);
    // A pass follows a change within seconds, not after a lease (60 s) runs out.
    expect(Math.max(...result.figures.kickLatencyMs)).toBeLessThan(20_000);
  }, 420_000);
});
