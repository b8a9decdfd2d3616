import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findRepoRoot } from './binaries';
import { IDENTITIES, Identity } from './credentials';
import { startControlPlane } from './startControlPlane';

const USAGE = `Usage: testenv [--data-dir DIR] [--port PORT] [--reset] [--controllers]

Runs a local Kubernetes control plane (etcd + kube-apiserver, KubeVirt/CDI/KEDA CRDs,
k8s/rbac applied) until SIGINT/SIGTERM. Writes one kubeconfig per identity and
cluster.json (server, caData, tokens) into the data dir.

  --data-dir  state and output folder (default <repo>/.data/k8s); etcd data, keys,
              tokens and the serving certificate survive restarts
  --port      kube-apiserver port (default: the previous run's, else a free one)
  --reset     delete the data dir first: a fresh, empty cluster
  --controllers
              also run the real kube-controller-manager (HPA, garbage collector, namespace)
              and KEDA (operator + metrics server); built on first use by
              tools/k8s-testenv/build-controllers.sh
`;

/** Kubeconfig file name of each identity in the data dir. */
export const KUBECONFIG_FILES: Record<Identity, string> = {
  admin: 'admin.kubeconfig',
  'runner-fleet-backend': 'backend.kubeconfig',
  'runner-fleet-portal-viewer': 'portal-viewer.kubeconfig',
  'fleet-simulator': 'fleet-simulator.kubeconfig',
  alice: 'alice.kubeconfig',
  'kube-controller-manager': 'kube-controller-manager.kubeconfig',
  'keda-operator': 'keda-operator.kubeconfig',
  'keda-metrics-apiserver': 'keda-metrics-apiserver.kubeconfig',
};

function log(line: string): void {
  process.stdout.write(`[testenv] ${line}\n`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Refuses a second control plane on the same data dir (etcd would fail on its lock anyway). */
function takeLock(dir: string): string {
  const pidFile = join(dir, 'testenv.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `a control plane already runs on ${dir} (pid ${pid}); its kubeconfigs are in that folder`,
      );
    }
  }
  writeFileSync(pidFile, `${process.pid}\n`);
  return pidFile;
}

/** Runs the CLI; resolves once the control plane is up (signals stop it). */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      reset: { type: 'boolean', default: false },
      controllers: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (
    port !== undefined &&
    !(Number.isInteger(port) && port > 0 && port < 65536)
  ) {
    throw new Error(`--port must be a port number, got '${values.port}'`);
  }
  const root = findRepoRoot() ?? process.cwd();
  const dir = resolve(values['data-dir'] ?? join(root, '.data', 'k8s'));
  if (values.reset) {
    rmSync(dir, { recursive: true, force: true });
    log(`reset: removed ${dir}`);
  }
  mkdirSync(dir, { recursive: true });
  const pidFile = takeLock(dir);

  log(`starting etcd + kube-apiserver (state in ${dir})`);
  const plane = await startControlPlane({
    dataDir: dir,
    port,
    log,
    controllers: values.controllers ?? false,
  });
  const kubeconfigs = {} as Record<Identity, string>;
  for (const identity of IDENTITIES) {
    kubeconfigs[identity] = join(dir, KUBECONFIG_FILES[identity]);
    plane.writeKubeconfig(kubeconfigs[identity], identity);
  }
  const clusterJson = join(dir, 'cluster.json');
  const info = {
    server: plane.server,
    caData: plane.caData,
    tokens: plane.tokens,
    kubeconfigs,
    pid: process.pid,
  };
  // Written last and atomically: scripts wait for this file to appear.
  writeFileSync(`${clusterJson}.tmp`, `${JSON.stringify(info, null, 2)}\n`, {
    mode: 0o600,
  });
  renameSync(`${clusterJson}.tmp`, clusterJson);

  process.stdout.write(
    [
      `Kubernetes API server: ${plane.server} (ready with CRDs in ${plane.timings.warmStartMs} ms)`,
      'Kubeconfigs:',
      ...IDENTITIES.map(i => `  ${i.padEnd(26)} ${kubeconfigs[i]}`),
      ...(plane.controllers
        ? [
            `Controllers (logs in ${dir}): kube-controller-manager pid ${plane.controllers.pids.kubeControllerManager}, keda-operator pid ${plane.controllers.pids.kedaOperator}, keda-metrics-apiserver pid ${plane.controllers.pids.kedaMetricsApiserver}`,
          ]
        : []),
      `Connection info for tools: ${clusterJson}`,
      `Try: KUBECONFIG=${kubeconfigs.admin} kubectl get crds`,
      'Ctrl-C stops the control plane; the cluster state is kept for the next start.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping kube-apiserver, then etcd`);
    plane.stop().then(
      () => {
        rmSync(pidFile, { force: true });
        log('stopped');
        process.exit(0);
      },
      error => {
        process.stderr.write(`could not stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
