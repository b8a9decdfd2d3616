#!/usr/bin/env node
// Scans the built frontend (packages/app/dist) for runner tokens and cluster tokens: the
// `glrt-` prefix of every GitLab runner token, the tokens of the local control planes
// (.data/k8s*/tokens.json, when a local stack has run) and the secret config values of the
// embedded default. Prints what it scanned; exits 1 on any hit. Run after `build app`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'packages/app/dist');
if (!existsSync(dist)) {
  console.error(
    `scan-bundle: ${relative(
      root,
      dist,
    )} does not exist; run 'yarn workspace app build' first`,
  );
  process.exit(2);
}

/** name → exact value */
const needles = {
  'GitLab bot token (runners.gitlab.token default)':
    'glpat-runnerfleet-bot-000000',
  'KEDA scaling token (runners.scalingMetrics.token default)':
    'local-dev-keda-scaling-token',
};
for (const cluster of ['k8s', 'k8s-burst']) {
  const file = join(root, '.data', cluster, 'tokens.json');
  if (!existsSync(file)) continue;
  for (const [identity, token] of Object.entries(
    JSON.parse(readFileSync(file, 'utf8')),
  )) {
    needles[`${cluster} token of ${identity}`] = token;
  }
}

const files = [];
const walk = dir => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  }
};
walk(dist);

let bytes = 0;
const hits = [];
for (const file of files) {
  const text = readFileSync(file).toString('latin1');
  bytes += text.length;
  if (text.includes('glrt-'))
    hits.push(`${relative(root, file)}: glrt- (runner token prefix)`);
  for (const [name, value] of Object.entries(needles)) {
    if (text.includes(value)) hits.push(`${relative(root, file)}: ${name}`);
  }
}
console.log(
  `scan-bundle: ${files.length} files (${bytes} bytes) of ${relative(
    root,
    dist,
  )} scanned for glrt- and ${Object.keys(needles).length} token values: ${
    hits.length
  } hits`,
);
for (const hit of hits) console.log(`  ${hit}`);
process.exit(hits.length ? 1 : 0);
