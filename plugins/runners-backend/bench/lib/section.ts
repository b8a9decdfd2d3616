import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Prettier 2 (the repository's formatter) ships no types; the two calls used here. */
const prettier = require('prettier') as {
  format(text: string, options: Record<string, unknown>): string;
  resolveConfig: { sync(file: string): Record<string, unknown> | null };
};

/**
 * Writes one benchmark's section into a Markdown file between its `<!-- bench:<name> begin -->`
 * and `end` markers (appended when the file has none), leaving the rest of the file as it is,
 * and formats the file as the repository's Prettier would.
 */
export function writeSection(file: string, name: string, body: string[]) {
  const begin = `<!-- bench:${name} begin -->`;
  const end = `<!-- bench:${name} end -->`;
  const section = [begin, '', ...body, '', end].join('\n');
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const from = before.indexOf(begin);
  const to = before.indexOf(end);
  const text =
    from >= 0 && to > from
      ? `${before.slice(0, from)}${section}${before.slice(to + end.length)}`
      : `${before.trimEnd()}${before ? '\n\n' : ''}${section}\n`;
  writeMarkdown(file, text);
}

/** Writes a Markdown file formatted as the repository's Prettier check expects. */
export function writeMarkdown(file: string, text: string) {
  writeFileSync(
    file,
    prettier.format(text, {
      ...(prettier.resolveConfig.sync(file) ?? {}),
      parser: 'markdown',
    }),
  );
}
