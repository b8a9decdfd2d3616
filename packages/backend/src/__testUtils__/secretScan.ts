import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What a scan looked at and what it found. */
export interface ScanResult {
  /** Items scanned (responses, log lines, files). */
  items: number;
  /** Bytes scanned. */
  bytes: number;
  /** `<where>: <needle name>` for every hit; empty when clean. */
  hits: string[];
}

/**
 * Secrets to look for: the runner-token prefix (`glrt-`, every GitLab runner authentication
 * token) and exact values (cluster tokens, the runner tokens of the run).
 */
export interface Needles {
  /** Name → exact secret value. */
  values: Record<string, string>;
}

/** Looks for the `glrt-` prefix and every needle value in `text`. */
export function findSecrets(text: string, needles: Needles): string[] {
  const found: string[] = [];
  if (text.includes('glrt-')) found.push('glrt- (runner token prefix)');
  for (const [name, value] of Object.entries(needles.values)) {
    if (value && text.includes(value)) found.push(name);
  }
  return found;
}

/** Scans named texts (responses, log lines). */
export function scanTexts(
  texts: Array<{ where: string; text: string }>,
  needles: Needles,
): ScanResult {
  const hits = texts.flatMap(({ where, text }) =>
    findSecrets(text, needles).map(n => `${where}: ${n}`),
  );
  return {
    items: texts.length,
    bytes: texts.reduce((sum, t) => sum + Buffer.byteLength(t.text), 0),
    hits,
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Scans every file under `dir` byte for byte (SQLite pages, WAL files): a token stored in a
 * database would sit there as plain text.
 */
export function scanFiles(dir: string, needles: Needles): ScanResult {
  const files = filesUnder(dir);
  let bytes = 0;
  const hits = files.flatMap(file => {
    const content = readFileSync(file);
    bytes += content.length;
    return findSecrets(content.toString('latin1'), needles).map(
      n => `${file}: ${n}`,
    );
  });
  return { items: files.length, bytes, hits };
}
