import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { machine } from './report';
import { writeSection } from './section';
import { ROOT } from './stack';

/** One in-process, seeded simulation benchmark (`yarn bench:<name>`). */
export interface SimulationBench<R> {
  /** `rollout` → `yarn bench:rollout`, section `<!-- bench:rollout -->`, smoke file. */
  name: string;
  /** The section's heading, e.g. '## Rollouts (issue #14): `yarn bench:rollout`'. */
  heading: string;
  /** What the simulation is, before the command line (Markdown lines). */
  intro: string[];
  run(smoke: boolean, seed: string): R;
  table(result: R): string;
  notes(result: R): string[];
}

/**
 * The command line of a simulation benchmark: `[--smoke] [--seed S] [--out FILE]`. Runs it,
 * prints the table and notes with the machine, and writes its section of BENCHMARKS.md (or,
 * with --smoke, of .data/bench-<name>-smoke.md), leaving the rest of the file as it is.
 */
export function simulationMain<R>(bench: SimulationBench<R>): void {
  const main = async () => {
    const { values } = parseArgs({
      options: {
        smoke: { type: 'boolean', default: false },
        seed: { type: 'string', default: `bench-${bench.name}` },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(
        `Usage: yarn bench:${bench.name} [--smoke] [--seed S] [--out FILE]\n`,
      );
      return;
    }
    const command = `yarn bench:${bench.name}${
      process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''
    }`;
    const t0 = performance.now();
    const result = bench.run(values.smoke!, values.seed!);
    const durationS = (performance.now() - t0) / 1000;
    const info = machine(ROOT);
    const table = bench.table(result);
    const notes = bench.notes(result).map(n => `- ${n}`);
    process.stdout.write(
      `\n${bench.heading.replace(/^#+ /, '')} — ${info}; ${durationS.toFixed(
        1,
      )} s wall\n\n${table}\n\n${notes.join('\n')}\n`,
    );
    let file = values.out
      ? resolve(ROOT, values.out)
      : join(ROOT, 'BENCHMARKS.md');
    if (values.smoke && !values.out) {
      mkdirSync(join(ROOT, '.data'), { recursive: true });
      file = join(ROOT, '.data', `bench-${bench.name}-smoke.md`);
    }
    writeSection(file, bench.name, [
      bench.heading,
      '',
      ...bench.intro,
      '',
      `- command: \`${command}\` (in plugins/runners-backend)`,
      `- machine: ${info}`,
      `- run: ${new Date().toISOString()}, ${durationS.toFixed(1)} s wall`,
      '',
      table,
      '',
      ...notes,
    ]);
    process.stderr.write(`wrote ${file}\n`);
  };
  main().then(
    () => process.exit(0),
    error => {
      process.stderr.write(
        `bench:${bench.name} failed: ${error.stack ?? error}\n`,
      );
      process.exit(1);
    },
  );
}
