#!/usr/bin/env node
/*
 * Turns tools/adoption-fixture into an app that followed the install guides:
 *   node prepareFixture.js <fixture copy> <tarball dir>
 * - `// guide: <plugin dir> <id>` lines are replaced with the code block after
 *   `<!-- guide: <id> -->` in plugins/<plugin dir>/README.md;
 * - `yarn --cwd packages/<x> add <pkgs>` lines of every `install` block add those packages
 *   (as their tarballs) to packages/<x>/package.json;
 * - the backend guide's `config` block becomes app-config.runners.yaml;
 * - resolutions: @backstage/* as the repository pins them, @runner-fleet/* to the tarballs.
 * Fails, naming the guide, when a block, a package or a tarball is missing.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const [target, tarballDir] = process.argv.slice(2);
if (!target || !tarballDir) {
  throw new Error('usage: prepareFixture.js <fixture copy> <tarball dir>');
}

/** Code blocks of a README by guide id. */
function guideBlocks(pluginDir) {
  const file = path.join(root, 'plugins', pluginDir, 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const blocks = new Map();
  const re = /<!-- guide: ([\w-]+) -->\s*\n```\w*\n([\s\S]*?)\n```/g;
  for (const m of text.matchAll(re)) blocks.set(m[1], m[2]);
  return { file: path.relative(root, file), blocks };
}

function block(pluginDir, id) {
  const { file, blocks } = guideBlocks(pluginDir);
  const code = blocks.get(id);
  if (code === undefined) {
    throw new Error(
      `${file} has no code block marked <!-- guide: ${id} --> (the fixture asks for it)`,
    );
  }
  return code;
}

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
    return [p];
  });
}

// 1. Code blocks into the sources.
for (const file of walk(target)) {
  if (!/\.(ts|tsx)$/.test(file)) continue;
  const text = fs.readFileSync(file, 'utf8');
  const out = text.replace(/^\/\/ guide: ([\w-]+) ([\w-]+)$/gm, (_, dir, id) =>
    block(dir, id),
  );
  if (out !== text) fs.writeFileSync(file, out);
}

// 2. Packages the install blocks add, as tarballs.
const tarballs = new Map(
  fs
    .readdirSync(tarballDir)
    .filter(f => f.endsWith('.tgz'))
    .map(f => {
      const name = JSON.parse(
        fs.readFileSync(path.join(tarballDir, `${f}.json`), 'utf8'),
      ).name;
      return [name, path.join(tarballDir, f)];
    }),
);
const added = [];
for (const dir of fs.readdirSync(path.join(root, 'plugins'))) {
  if (!fs.existsSync(path.join(root, 'plugins', dir, 'README.md'))) continue;
  const { file, blocks } = guideBlocks(dir);
  const install = blocks.get('install');
  if (!install) continue;
  for (const line of install.split('\n')) {
    const m = line.match(/^yarn --cwd (packages\/\w+) add (.+)$/);
    if (!m) continue;
    const pkgFile = path.join(target, m[1], 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    for (const name of m[2].split(/\s+/).filter(Boolean)) {
      const tgz = tarballs.get(name);
      if (!tgz) {
        throw new Error(
          `${file} installs ${name}, which is not one of the packed packages: ${[
            ...tarballs.keys(),
          ].join(', ')}`,
        );
      }
      pkg.dependencies[name] = `file:${tgz}`;
      added.push(`${m[1]}: ${name}`);
    }
    fs.writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  }
}

// 3. The backend guide's config.
fs.writeFileSync(
  path.join(target, 'app-config.runners.yaml'),
  `${block('runners-backend', 'config')}\n`,
);

// 4. Resolutions: Backstage as the repository pins it (the registry is a partial mirror),
// Runner Fleet's own packages (also as dependencies of each other) from the tarballs.
const rootPkg = JSON.parse(
  fs.readFileSync(path.join(root, 'package.json'), 'utf8'),
);
const fixturePkgFile = path.join(target, 'package.json');
const fixturePkg = JSON.parse(fs.readFileSync(fixturePkgFile, 'utf8'));
fixturePkg.resolutions = { ...rootPkg.resolutions };
for (const [name, tgz] of tarballs) {
  fixturePkg.resolutions[name] = `file:${tgz}`;
}
fs.writeFileSync(fixturePkgFile, `${JSON.stringify(fixturePkg, null, 2)}\n`);

process.stdout.write(`installed by the guides: ${added.join(', ')}\n`);
