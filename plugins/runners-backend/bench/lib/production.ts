import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Builds the backend for production (`yarn workspace backend build`: the backend and every
 * workspace package it uses compiled to dist/, in bundle.tar.gz) and lays the bundle out as a
 * deployment would, in a temporary directory. Instead of `yarn workspaces focus --production`
 * (which needs the registry), its node_modules links the repository's installed third-party
 * packages, while the workspace packages resolve to their built copies in the bundle.
 * Returns the directory of the built backend package.
 */
export function prepareProductionBackend(root: string): string {
  execFileSync('yarn', ['workspace', 'backend', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const dir = mkdtempSync(join(tmpdir(), 'runner-fleet-bench-prod-'));
  execFileSync('tar', [
    'xzf',
    join(root, 'packages/backend/dist/bundle.tar.gz'),
    '-C',
    dir,
  ]);
  // Built workspace packages by npm name.
  const built = new Map<string, string>();
  for (const area of ['packages', 'plugins']) {
    for (const name of readdirSync(join(dir, area))) {
      const pkg = join(dir, area, name);
      const manifest = join(pkg, 'package.json');
      if (!existsSync(manifest)) continue;
      built.set(
        (JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name,
        pkg,
      );
      // Packages whose dependencies yarn did not hoist keep them in their own node_modules.
      const nested = join(root, area, name, 'node_modules');
      if (existsSync(nested)) symlinkSync(nested, join(pkg, 'node_modules'));
    }
  }
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  const rootModules = join(root, 'node_modules');
  for (const entry of readdirSync(rootModules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      mkdirSync(join(modules, entry));
      for (const sub of readdirSync(join(rootModules, entry))) {
        const name = `${entry}/${sub}`;
        symlinkSync(
          built.get(name) ?? join(rootModules, name),
          join(modules, name),
        );
      }
    } else {
      symlinkSync(
        built.get(entry) ?? join(rootModules, entry),
        join(modules, entry),
      );
    }
  }
  // The example catalog the config points at (../../examples from the backend package).
  symlinkSync(join(root, 'examples'), join(dir, 'examples'));
  return join(dir, 'packages/backend');
}
