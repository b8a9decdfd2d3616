import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '../binaries';

/** Where the controller binaries and KEDA's RBAC roles are. */
export interface ControllerBinaries {
  kubeControllerManager: string;
  kedaOperator: string;
  kedaAdapter: string;
  /** KEDA's `config/rbac/role.yaml` (ClusterRole and Role `keda-operator`). */
  kedaOperatorRole: string;
  /** KEDA's `config/metrics-server/role.yaml` (ClusterRole `keda-external-metrics-reader`). */
  kedaExternalMetricsReaderRole: string;
  /** KEDA's other CRDs (ScaledJob, CloudEventSource, ClusterCloudEventSource): its operator watches them. */
  kedaCrdsDir: string;
}

const BUILD_SCRIPT = join('tools', 'k8s-testenv', 'build-controllers.sh');

function fromStampDir(stampDir: string): ControllerBinaries {
  return {
    kubeControllerManager: join(stampDir, 'bin', 'kube-controller-manager'),
    kedaOperator: join(stampDir, 'bin', 'keda'),
    kedaAdapter: join(stampDir, 'bin', 'keda-adapter'),
    kedaOperatorRole: join(stampDir, 'keda', 'operator-role.yaml'),
    kedaExternalMetricsReaderRole: join(
      stampDir,
      'keda',
      'external-metrics-reader-role.yaml',
    ),
    kedaCrdsDir: join(stampDir, 'keda', 'crds'),
  };
}

/** Runs build-controllers.sh (a no-op once built) and returns the stamp dir it prints. */
function runBuild(
  script: string,
  log: (line: string) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) =>
      chunk.toString().split('\n').filter(Boolean).forEach(log),
    );
    child.once('error', reject);
    child.once('exit', code => {
      const dir = stdout.trim().split('\n').pop();
      if (code === 0 && dir && existsSync(dir)) resolve(dir);
      else
        reject(
          new Error(
            `${script} failed (exit code ${code}); it needs Go >= 1.26 and the Go module proxy, see tools/k8s-testenv/README.md`,
          ),
        );
    });
  });
}

/**
 * Finds the controller binaries: `binDir` (a build-controllers.sh stamp's `bin`), else the stamp
 * dir in `RUNNER_FLEET_K8S_CONTROLLERS_DIR`, else the output of
 * `tools/k8s-testenv/build-controllers.sh` (which builds them on first use).
 */
export async function resolveControllerBinaries(options: {
  binDir?: string;
  /** Whether KEDA's binaries and roles are needed too. */
  keda: boolean;
  log: (line: string) => void;
}): Promise<ControllerBinaries> {
  let stampDir: string;
  if (options.binDir) {
    stampDir = join(options.binDir, '..');
  } else if (process.env.RUNNER_FLEET_K8S_CONTROLLERS_DIR) {
    stampDir = process.env.RUNNER_FLEET_K8S_CONTROLLERS_DIR;
  } else {
    const root = findRepoRoot();
    if (!root) {
      throw new Error(
        `cannot find ${BUILD_SCRIPT}; pass binDir or set RUNNER_FLEET_K8S_CONTROLLERS_DIR to a build-controllers.sh stamp dir`,
      );
    }
    stampDir = await runBuild(join(root, BUILD_SCRIPT), options.log);
  }
  const found = fromStampDir(stampDir);
  const needed = options.keda
    ? Object.values(found)
    : [found.kubeControllerManager];
  for (const file of needed) {
    if (!existsSync(file)) {
      throw new Error(
        `k8s-testenv controllers: ${file} does not exist (run tools/k8s-testenv/build-controllers.sh)`,
      );
    }
  }
  return found;
}
