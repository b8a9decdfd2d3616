import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { writeMarkdown } from './section';

/** One line of the results table: Runner Fleet beside its baseline from the same run. */
export interface Row {
  bench: string;
  metric: string;
  fleet: string;
  baseline: string;
  /** How Runner Fleet compares with the baseline, e.g. "38× faster", "2.1× the floor". */
  ratio: string;
  target: string;
  /** undefined: informational, no target. */
  pass?: boolean;
  /** 1-minute load average when the row was measured (the machine is shared). */
  load: string;
}

/** Cores, memory, commit and Node version: printed with every table. */
export function machine(root: string): string {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    if (dirty) commit += ' (with uncommitted changes)';
  } catch {
    // not a git checkout: keep 'unknown'
  }
  return `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(
    totalmem() /
    1024 ** 3
  ).toFixed(0)} GiB memory, Node ${process.version}, commit ${commit}`;
}

function verdict(pass: boolean | undefined) {
  if (pass === undefined) return '';
  return pass ? 'pass' : 'FAIL';
}

/** The table as Markdown. */
export function table(rows: Row[]): string {
  const header = [
    'bench',
    'metric',
    'Runner Fleet',
    'baseline (same run)',
    'ratio',
    'target',
    'result',
    'load',
  ];
  const lines = rows.map(r => [
    r.bench,
    r.metric,
    r.fleet,
    r.baseline,
    r.ratio,
    r.target,
    verdict(r.pass),
    r.load,
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...lines.map(l => l[i].length)),
  );
  const fmt = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    fmt(header),
    `| ${widths.map(w => '-'.repeat(w)).join(' | ')} |`,
    ...lines.map(fmt),
  ].join('\n');
}

/** Writes BENCHMARKS.md: how to reproduce, the machine, the table and the notes. */
export function writeReport(options: {
  file: string;
  command: string;
  machine: string;
  startedAt: Date;
  durationS: number;
  rows: Row[];
  notes: string[];
}) {
  const text = [
    '# Runner Fleet benchmarks',
    '',
    'Written by `yarn bench` (plugins/runners-backend/bench). Every row puts Runner Fleet beside a',
    'baseline measured in the same run on the same machine; the machine is shared, so the ratios',
    'are what to compare, and the 1-minute load average is recorded with each row.',
    '',
    `- command: \`${options.command}\``,
    `- machine: ${options.machine}`,
    `- run: ${options.startedAt.toISOString()}, ${options.durationS.toFixed(
      0,
    )} s`,
    '',
    table(options.rows),
    '',
    '## Notes',
    '',
    ...options.notes.map(n => `- ${n}`),
    '',
    // Sections other commands own (e.g. `yarn bench:rollout`) stay as they were.
    ...keptSections(options.file),
  ].join('\n');
  // Formatted as the repository's Prettier check expects, so a fresh report passes it.
  writeMarkdown(options.file, text);
}

/** The `<!-- bench:<name> begin -->…<!-- bench:<name> end -->` sections of an existing report. */
function keptSections(file: string): string[] {
  if (!existsSync(file)) return [];
  const found = readFileSync(file, 'utf8').match(
    /<!-- bench:[\w-]+ begin -->[\s\S]*?<!-- bench:[\w-]+ end -->/g,
  );
  return (found ?? []).flatMap(section => [section, '']);
}
