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
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { RunnersApi } from './lib/api';
import { BareKube } from './lib/kube';
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
  const sizes = values.smoke ? SIZES.smoke : SIZES.full;
  const started = new Date();
  const t0 = performance.now();
  const rows: Row[] = [];
  const notes: string[] = [];
  const cleanup: Array<() => Promise<void>> = [];
  const command = `yarn bench${
    process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''
  }`;

  try {
    if (run('P3')) {
      const p3 = await runP3({ sizes: sizes.p3, log });
      rows.push(...p3.rows);
      notes.push(...p3.notes);
    }
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
      });
      let stopBackend = () => backend.stop();
      cleanup.unshift(() => stopBackend());
      const token = await userToken(backend.url, 'ada.platform');
      const api = new RunnersApi(backend.url, token);
      cleanup.unshift(async () => api.close());

      if (run('P1')) {
        const p1 = await runP1({
          api,
          kube,
          backendUrl: backend.url,
          gitlabUrl: emulator.url,
          sizes: sizes.p1,
          log,
        });
        rows.push(...p1.rows);
        notes.push(...p1.notes);
      }
      if (run('P2') || run('P4')) {
        const fleet = await seedFleet({
          api,
          admin,
          gitlabUrl: emulator.url,
          sizes: sizes.fleet,
          log,
        });
        notes.push(...fleet.notes);
        if (run('P2')) {
          const p2 = await runP2({ api, admin, fleet, sizes: sizes.p2, log });
          rows.push(...p2.rows);
          notes.push(...p2.notes);
        }
        if (run('P4')) {
          await backend.stop();
          const p4 = await runP4({
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
              });
              stopBackend = () => backend.stop();
              return backend;
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
  let file = join(ROOT, 'BENCHMARKS.md');
  if (values.smoke) {
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
