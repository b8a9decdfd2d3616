/*
 * Runner Fleet benchmarks P1–P4 through the real stack, each beside a baseline measured in the
 * same run (issue #16). One command, one table:
 *
 *   yarn bench                 # everything, ~15 min on 2 cores
 *   yarn bench --only P2,P3    # some of them
 *   yarn bench --smoke         # tiny sizes, for CI: proves the benchmark code still runs
 *
 * Everything listens on 127.0.0.1 and on free ports. The table goes to stdout and to
 * BENCHMARKS.md (not in --smoke, which writes .data/bench-smoke.md) with the command line.
 */
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { RunnersApi } from './lib/api';
import { BareKube } from './lib/kube';
import { monotonicUs, summarizeProfiles } from './lib/profile';
import { machine, Row, table, writeReport } from './lib/report';
import {
  Backend,
  ROOT,
  startBackend,
  startEmulator,
  startPlane,
  userToken,
} from './lib/stack';
import { runP1 } from './p1Provisioning';
import { runP2, seedFleet } from './p2FleetView';
import { runP3 } from './p3IdleReconcile';
import { runP4 } from './p4MemoryLoad';
import { SIZES } from './sizes';

const ALL = ['P1', 'P2', 'P3', 'P4'] as const;
const SEEDING_CONFIG = 'runners:\n  gitlab:\n    requestsPerMinute: 100000\n';
type BenchId = (typeof ALL)[number];

function log(line: string) {
  process.stderr.write(
    `[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`,
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'backend-config': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('Usage: yarn bench [--only P1,P2,P3,P4] [--smoke]\n');
    return;
  }
  const only = (values.only ?? ALL.join(','))
    .split(',')
    .map(s => s.trim().toUpperCase());
  for (const id of only) {
    if (!ALL.includes(id as BenchId)) {
      throw new Error(
        `--only: unknown benchmark '${id}'; use ${ALL.join(', ')}`,
      );
    }
  }
  const run = (id: BenchId) => only.includes(id);
  const rows: Row[] = [];
  const notes: string[] = [];
  const profileDir = values['cpu-prof']
    ? join(
        ROOT,
        '.data',
        'bench-profiles',
        new Date().toISOString().replace(/[:.]/g, '-'),
      )
    : undefined;
  const backendConfig = values['backend-config']
    ? resolve(ROOT, values['backend-config'])
    : undefined;
  /** Time windows of each backend's profile worth summarising (e.g. P1's creates). */
  const windows = new Map<
    string,
    Array<{ name: string; from: number; to: number }>
  >();
  const inWindow = async <T>(
    backend: string,
    name: string,
    fn: () => Promise<T>,
  ) => {
    const from = monotonicUs();
    const result = await fn();
    windows.set(backend, [
      ...(windows.get(backend) ?? []),
      { name, from, to: monotonicUs() },
    ]);
    return result;
  };
  /** Stops a backend and adds the summary of its CPU profile, if one was taken. */
  const stopProfiled = async (backend: Backend, name: string) => {
    await backend.stop();
    if (profileDir) {
      notes.push(
        ...summarizeProfiles(
          join(profileDir, name),
          windows.get(name) ?? [],
        ).map(s => `CPU profile of the backend during ${s}`),
      );
    }
  };
  const sizes = values.smoke ? SIZES.smoke : SIZES.full;
  const started = new Date();
  const t0 = performance.now();
  const cleanup: Array<() => Promise<void>> = [];
  const command = `yarn bench${
    process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''
  }`;

  // Ctrl-C or SIGTERM: stop what the bench started (children, control planes) before exiting.
  let interrupted = false;
  const onSignal = (signal: string) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping`);
    (async () => {
      for (const stop of cleanup) await stop().catch(() => undefined);
      process.exit(130);
    })();
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  try {
    if (run('P1') || run('P2') || run('P4')) {
      log('starting a control plane and the GitLab emulator');
      const plane = await startPlane();
      cleanup.unshift(() => plane.stop());
      const emulator = await startEmulator();
      cleanup.unshift(() => emulator.stop());
      const kube = new BareKube(plane, 'runner-fleet-backend');
      const admin = new BareKube(plane, 'admin', 64);
      cleanup.unshift(async () => {
        kube.close();
        admin.close();
      });
      log('starting the backend (development mode: devusers sign-in)');
      let backend: Backend = await startBackend({
        plane,
        gitlabUrl: emulator.url,
        mode: 'development',
        configFile: backendConfig,
        cpuProfDir: profileDir && join(profileDir, 'backend-p1-p2'),
      });
      let stopBackend = () => stopProfiled(backend, 'backend-p1-p2');
      cleanup.unshift(() => stopBackend());
      const token = await userToken(backend.url, 'ada.platform');
      const api = new RunnersApi(backend.url, token);
      cleanup.unshift(async () => api.close());

      if (run('P1')) {
        const p1 = await inWindow('backend-p1-p2', 'P1', () =>
          runP1({
            api,
            kube,
            backendUrl: backend.url,
            gitlabUrl: emulator.url,
            sizes: sizes.p1,
            log,
          }),
        );
        rows.push(...p1.rows);
        notes.push(...p1.notes);
      }
      if (run('P2') || run('P4')) {
        // Seeding 500 pools through the API makes thousands of GitLab calls (each new pool lists
        // every fleet runner); at the default client limit (1000/min) that alone takes longer
        // than the whole budget. The seeding backend lifts the limit; P1 before and P4 after run
        // with the defaults.
        log(
          'restarting the backend with the GitLab client limit lifted, for seeding',
        );
        await stopBackend();
        backend = await startBackend({
          plane,
          gitlabUrl: emulator.url,
          mode: 'development',
          dataDir: backend.dataDir,
          port: backend.port,
          extraConfig: SEEDING_CONFIG,
          configFile: backendConfig,
          cpuProfDir: profileDir && join(profileDir, 'backend-p2'),
        });
        stopBackend = () => stopProfiled(backend, 'backend-p2');
        notes.push(
          'Fleet seeding and P2 run on a backend with runners.gitlab.requestsPerMinute raised to 100000 (seeding only needs it; P2 reads make no GitLab call); P1 and P4 use the default (runners.gitlab.requestsPerMinute, 1000/min since the GitLab budget; 300/min before).',
        );
        const fleet = await seedFleet({
          api,
          admin,
          gitlabUrl: emulator.url,
          sizes: sizes.fleet,
          log,
        });
        notes.push(...fleet.notes);
        if (run('P2')) {
          const p2 = await inWindow('backend-p2', 'P2', () =>
            runP2({ api, admin, fleet, sizes: sizes.p2, log }),
          );
          rows.push(...p2.rows);
          notes.push(...p2.notes);
        }
        if (run('P4')) {
          await stopBackend();
          const p4 = await runP4({
            onWindow: (name, from, to) =>
              windows.set('backend-p4', [
                ...(windows.get('backend-p4') ?? []),
                { name, from, to },
              ]),
            plane,
            emulator,
            admin,
            fleet,
            restart: async (mode, productionDir, env) => {
              backend = await startBackend({
                plane,
                gitlabUrl: emulator.url,
                mode,
                dataDir: backend.dataDir,
                port: backend.port,
                env,
                productionDir,
                configFile: backendConfig,
                cpuProfDir: profileDir && join(profileDir, 'backend-p4'),
              });
              stopBackend = () => stopProfiled(backend, 'backend-p4');
              return backend;
            },
            startEmpty: async (mode, productionDir, env) => {
              const emptyPlane = await startPlane();
              const empty = await startBackend({
                plane: emptyPlane,
                gitlabUrl: emulator.url,
                mode,
                env,
                productionDir,
                configFile: backendConfig,
              });
              return {
                backend: empty,
                stop: async () => {
                  await empty.stop();
                  await emptyPlane.stop();
                },
              };
            },
            sizes: sizes.p4,
            smoke: values.smoke,
            log,
          });
          rows.push(...p4.rows);
          notes.push(...p4.notes);
        }
      }
    }
    // Last, on a control plane of its own once the shared stack is stopped: its setup (1,000
    // pools through the reconciler) is the longest part of the run.
    for (const stop of cleanup.splice(0)) await stop();
    if (run('P3')) {
      const p3 = await runP3({ sizes: sizes.p3, log, profileDir });
      rows.push(...p3.rows);
      notes.push(...p3.notes);
    }
  } finally {
    for (const stop of cleanup) await stop().catch(e => log(`cleanup: ${e}`));
  }

  const durationS = (performance.now() - t0) / 1000;
  const info = machine(ROOT);
  process.stdout.write(
    `\nRunner Fleet benchmarks — ${info}; ${durationS.toFixed(0)} s\n\n${table(
      rows,
    )}\n\n${notes.map(n => `- ${n}`).join('\n')}\n`,
  );
  let file = values.out
    ? resolve(ROOT, values.out)
    : join(ROOT, 'BENCHMARKS.md');
  if (values.smoke && !values.out) {
    mkdirSync(join(ROOT, '.data'), { recursive: true });
    file = join(ROOT, '.data', 'bench-smoke.md');
  }
  writeReport({
    file,
    command,
    machine: info,
    startedAt: started,
    durationS,
    rows,
    notes,
  });
  log(`wrote ${file}`);
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
