import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where the control-plane binaries and the CRDs to install are. */
export interface TestenvBinaries {
  etcd: string;
  kubeApiserver: string;
  crdsDir: string;
}

const BUILD_SCRIPT = join('tools', 'k8s-testenv', 'build.sh');

/** This package's directory (in the repository: `packages/testenv`). */
function packageDir(): string {
  return dirname(require.resolve('@runner-fleet/testenv/package.json'));
}

/**
 * The Runner Fleet repository root: the closest directory above this package that holds
 * `tools/k8s-testenv/build.sh`, or undefined when the package runs outside the repository.
 */
export function findRepoRoot(from: string = packageDir()): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, BUILD_SCRIPT))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function fromStampDir(stampDir: string): TestenvBinaries {
  return {
    etcd: join(stampDir, 'bin', 'etcd'),
    kubeApiserver: join(stampDir, 'bin', 'kube-apiserver'),
    crdsDir: join(stampDir, 'crds'),
  };
}

/** Runs build.sh (a no-op taking ~0.05 s once built) and returns the stamp dir it prints. */
function runBuild(
  script: string,
  log: (line: string) => void,
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const lines = stderr.split('\n');
      stderr = lines.pop() ?? '';
      lines.filter(Boolean).forEach(log);
    });
    child.once('error', reject);
    child.once('exit', code => {
      if (stderr) log(stderr);
      const lines = stdout.trim().split('\n');
      const dir = lines[lines.length - 1];
      if (code === 0 && dir && existsSync(dir)) {
        resolvePromise(dir);
      } else {
        reject(
          new Error(
            `${script} failed (exit code ${code}); it needs Go >= 1.26 and the Go module proxy, see tools/k8s-testenv/README.md`,
          ),
        );
      }
    });
  });
}

/**
 * Finds the binaries: `binDir` (with `etcd` and `kube-apiserver`, CRDs in `crdsDir` or
 * `<binDir>/../crds`), else the stamp dir in `RUNNER_FLEET_K8S_TESTENV_DIR`, else the output of
 * the repository's `tools/k8s-testenv/build.sh` (which builds them on first use, ~5 min).
 */
export async function resolveBinaries(options: {
  binDir?: string;
  crdsDir?: string;
  log: (line: string) => void;
}): Promise<TestenvBinaries> {
  let found: TestenvBinaries;
  if (options.binDir) {
    found = {
      etcd: join(options.binDir, 'etcd'),
      kubeApiserver: join(options.binDir, 'kube-apiserver'),
      crdsDir: join(options.binDir, '..', 'crds'),
    };
  } else if (process.env.RUNNER_FLEET_K8S_TESTENV_DIR) {
    found = fromStampDir(process.env.RUNNER_FLEET_K8S_TESTENV_DIR);
  } else {
    const root = findRepoRoot();
    if (!root) {
      throw new Error(
        `cannot find ${BUILD_SCRIPT} above ${packageDir()}; pass binDir or set RUNNER_FLEET_K8S_TESTENV_DIR to a k8s-testenv stamp dir`,
      );
    }
    found = fromStampDir(await runBuild(join(root, BUILD_SCRIPT), options.log));
  }
  if (options.crdsDir) found = { ...found, crdsDir: options.crdsDir };
  for (const file of [found.etcd, found.kubeApiserver, found.crdsDir]) {
    if (!existsSync(file)) {
      throw new Error(`k8s-testenv: ${file} does not exist`);
    }
  }
  return found;
}
