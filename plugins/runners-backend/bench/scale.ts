/*
 * `yarn bench:scale` (issue #22, the parts built so far): the reconciler's idle pass at fleet
 * size with the watch cache beside direct reads (today's behaviour before #22), and the watch
 * caches' heap at 10,000 KubeVirt-shaped VMIs kept whole and trimmed. Own control plane and
 * GitLab emulator; sizes are options because 1,000 pools take long to set up on 2 cores.
 *
 *   yarn bench:scale                       # 1,000 pools, 10,000 VMIs
 *   yarn bench:scale --pools 200 --vmis 10000
 *   yarn bench:scale --parts gitlab --gitlab-seconds 20   # GitLab freshness only (smoke)
 *
 * Writes its section of BENCHMARKS.md (`--out` for another file).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { machine, Row, table } from './lib/report';
import { ROOT } from './lib/stack';
import { vmiHeap } from './lib/vmiFixture';
import { runP3 } from './p3IdleReconcile';
import { runGitLabFreshness } from './gitlabFreshness';
import { writeSection } from './lib/section';

const NOT_YET = `Issue #22's other rows: GitLab freshness under the enforced rate limit is the next section (\`--parts gitlab\`), table sizes after a simulated month the one after it (\`yarn bench:tables\`). The full-size P3 setup alone takes 2.5–6 min on this shared 2-core machine.`;

function log(line: string) {
  process.stderr.write(
    `[bench:scale ${new Date().toISOString().slice(11, 19)}] ${line}\n`,
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      pools: { type: 'string', default: '1000' },
      vmis: { type: 'string', default: '10000' },
      out: { type: 'string' },
      /** Comma-separated: \`heap,p3\` (this section) and \`gitlab\` (its own section). */
      parts: { type: 'string', default: 'heap,p3,gitlab' },
      'gitlab-seconds': { type: 'string', default: '300' },
      'gitlab-pools': { type: 'string', default: '1000' },
    },
  });
  const parts = new Set(values.parts.split(','));
  const pools = Number(values.pools);
  const vmis = Number(values.vmis);
  const started = new Date();
  const t0 = performance.now();

  const file = values.out
    ? resolve(ROOT, values.out)
    : join(ROOT, 'BENCHMARKS.md');
  const command = `yarn bench:scale${
    process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''
  }`;
  if (parts.has('gitlab')) {
    const gitlabPools = Number(values['gitlab-pools']);
    const g0 = performance.now();
    const gitlab = await runGitLabFreshness({
      sizes: {
        pools: gitlabPools,
        groups: Math.max(1, Math.round(gitlabPools / 4)),
        projectsPerGroup: 20,
        seconds: Number(values['gitlab-seconds']),
      },
      log,
    });
    writeSection(file, 'scale-gitlab', [
      '## Scale (issue #22): GitLab freshness under the enforced rate limit',
      '',
      `- command: \`${command}\``,
      `- machine: ${machine(ROOT)}`,
      `- run: ${new Date().toISOString()}, ${(
        (performance.now() - g0) /
        1000
      ).toFixed(0)} s`,
      '',
      table(gitlab.rows),
      '',
      ...gitlab.notes.map(n => `- ${n}`),
    ]);
    process.stdout.write(`${table(gitlab.rows)}\n`);
    log(`wrote the GitLab freshness section of ${file}`);
  }
  if (!parts.has('p3') && !parts.has('heap')) return;
  log(`heap of ${vmis} VMIs, whole and trimmed`);
  const whole = vmiHeap(vmis, false);
  const trimmed = vmiHeap(vmis, true);
  const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
  const kib = (b: number) => `${(b / 1024).toFixed(2)} KiB`;
  const rows: Row[] = [
    {
      bench: '#22',
      metric: `watch-cache heap at ${vmis} VMIs (per VMI)`,
      fleet: `${mib(trimmed)} (${kib(trimmed / vmis)})`,
      baseline: `whole objects ${mib(whole)} (${kib(whole / vmis)})`,
      ratio: `${(whole / trimmed).toFixed(1)}× smaller`,
      target: '< 150 MiB',
      pass: trimmed < 150 * 1024 * 1024,
      load: '',
    },
  ];
  const p3 = await runP3({ sizes: { pools, setupConcurrency: 8 }, log });
  rows.push(...p3.rows.map(r => ({ ...r, bench: '#22' })));
  const durationS = (performance.now() - t0) / 1000;
  writeSection(file, 'scale', [
    '## Scale (issue #22): reconciler reads, cache heap',
    '',
    `- command: \`${command}\``,
    `- machine: ${machine(ROOT)}`,
    `- run: ${started.toISOString()}, ${durationS.toFixed(0)} s`,
    '',
    table(rows),
    '',
    ...[
      `Heap: ${vmis} KubeVirt-shaped VMIs (bench/lib/vmiFixture.ts: labels, annotations, managedFields of virt-controller and virt-handler, spec, status with conditions, interfaces, guest OS info), each parsed from its own JSON text; heapUsed after gc() with and without them (node --expose-gc). Trimmed is what both watch caches keep (src/provisioning/cache/trim.ts).`,
      ...p3.notes,
      NOT_YET,
    ].map(n => `- ${n}`),
  ]);
  process.stdout.write(`${table(rows)}\n`);
  log(`wrote ${file}`);
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`bench:scale failed: ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
