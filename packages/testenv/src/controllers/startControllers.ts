import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyYaml, createNamespace, parseManifests } from '../applyYaml';
import { ApiServerClient } from '../ApiServerClient';
import { base64Of, ensureCa, ensureCertificate } from '../certificates';
import { installCrds, pollUntil } from '../crds';
import {
  ClusterConnection,
  kubeConfigFor,
  writeKubeconfigFile,
} from '../kubeconfig';
import { freePorts } from '../ports';
import { ManagedProcess } from '../processes';
import { ControllerBinaries, resolveControllerBinaries } from './binaries';
import {
  AggregatorRoute,
  controllerRbac,
  EXTERNAL_METRICS_APISERVICE,
  externalMetricsApiService,
  KEDA_METRICS_SERVICE,
  KEDA_NAMESPACE,
} from './manifests';

/** Options of {@link startControllers}. @public */
export interface ControllersOptions {
  /** Directory with `kube-controller-manager`, `keda`, `keda-adapter` (a build-controllers.sh stamp's `bin`). */
  binDir?: string;
  /** The HPA's sync period (`--horizontal-pod-autoscaler-sync-period`); default `15s` as upstream. */
  hpaSyncPeriod?: string;
  /**
   * Run KEDA (operator, metrics server, APIService) too; default true. `false` runs only
   * kube-controller-manager, e.g. for garbage collection and namespace deletion.
   */
  keda?: boolean;
  /** How the aggregator reaches the metrics server; default `external-name` (see README). */
  aggregatorRoute?: AggregatorRoute;
  /** Receives progress lines. */
  log?: (line: string) => void;
  /** Limit for each wait; default 60 s. */
  timeoutMs?: number;
}

/** Running controllers of one control plane. @public */
export interface RunningControllers {
  /** Process ids, e.g. to measure memory. */
  readonly pids: {
    kubeControllerManager: number;
    kedaOperator?: number;
    kedaMetricsApiserver?: number;
  };
  /** Milliseconds from the first process start until the external metrics API was served. */
  readonly startMs: number;
  /** Stops all three (before the control plane stops). Idempotent. */
  stop(): Promise<void>;
}

/** Controllers kube-controller-manager runs here: no nodes, no pods, no cloud. */
const KCM_CONTROLLERS = [
  'horizontalpodautoscaling',
  'garbagecollector',
  'namespace',
];

/**
 * Starts the real kube-controller-manager (HPA, garbage collector, namespace controllers) and
 * the real KEDA operator and metrics API server as local processes against a control plane, each
 * with its own identity and least-privilege RBAC, and registers KEDA's `external.metrics.k8s.io`
 * with the aggregation layer. Resolves once the external metrics API is Available.
 *
 * @param dir - the control plane's state directory (logs, kubeconfigs and certificates go here).
 * @public
 */
export async function startControllers(
  connection: ClusterConnection,
  dir: string,
  options: ControllersOptions = {},
): Promise<RunningControllers> {
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 60_000;
  const withKeda = options.keda ?? true;
  const binaries = await resolveControllerBinaries({
    binDir: options.binDir,
    keda: withKeda,
    log,
  });
  const admin = kubeConfigFor(connection, 'admin');
  const t0 = Date.now();

  const kubeconfigs = join(dir, 'controllers');
  mkdirSync(kubeconfigs, { recursive: true });
  const kubeconfig = (identity: Parameters<typeof writeKubeconfigFile>[2]) => {
    const path = join(kubeconfigs, `${identity}.kubeconfig`);
    writeKubeconfigFile(path, connection, identity);
    return path;
  };
  const kcmConfig = kubeconfig('kube-controller-manager');
  const started: ManagedProcess[] = [];
  const stopAll = async () => {
    for (const p of [...started].reverse()) await p.stop('SIGTERM', 10_000);
  };
  const kcm = ManagedProcess.start({
    name: 'kube-controller-manager',
    binary: binaries.kubeControllerManager,
    args: [
      `--kubeconfig=${kcmConfig}`,
      `--controllers=${KCM_CONTROLLERS.join(',')}`,
      // Each controller as its own service account (bootstrap RBAC), as in a real cluster.
      '--use-service-account-credentials=true',
      '--leader-elect=false',
      '--secure-port=0',
      `--horizontal-pod-autoscaler-sync-period=${
        options.hpaSyncPeriod ?? '15s'
      }`,
      '--v=2',
    ],
    logFile: join(dir, 'kube-controller-manager.log'),
    deathSignal: 'KILL',
  });
  started.push(kcm);
  if (!withKeda) {
    log('kube-controller-manager started (without KEDA)');
    let stopped: Promise<void> | undefined;
    return {
      pids: { kubeControllerManager: kcm.pid },
      startMs: Date.now() - t0,
      stop: () => {
        stopped = stopped ?? stopAll();
        return stopped;
      },
    };
  }

  try {
    // KEDA's certificates: one CA and one key pair for the operator's gRPC server, the metrics
    // server's client to it, and the metrics server's HTTPS (as KEDA's own cert rotation makes).
    const certDir = join(dir, 'keda', 'certs');
    const ca = ensureCa(certDir, 'ca');
    ensureCertificate({
      dir: certDir,
      name: 'tls',
      ca,
      commonName: 'keda',
      altNames: [
        `DNS:${KEDA_METRICS_SERVICE}.${KEDA_NAMESPACE}.svc`,
        `DNS:keda-operator.${KEDA_NAMESPACE}.svc`,
        'DNS:localhost',
        'IP:127.0.0.1',
      ],
      usages: ['serverAuth', 'clientAuth'],
    });

    const [
      adapterPort,
      adapterMetricsPort,
      grpcPort,
      opMetricsPort,
      probePort,
    ] = await freePorts([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);

    // The operator watches these too and exits when their informers never sync.
    const client = ApiServerClient.create({
      server: connection.server,
      caPem: Buffer.from(connection.caData, 'base64').toString('utf8'),
      token: connection.tokens.admin,
    });
    try {
      await installCrds(client, binaries.kedaCrdsDir, timeoutMs);
    } finally {
      client.close();
    }
    await createNamespace(admin, KEDA_NAMESPACE);
    await applyYaml(admin, [
      ...parseManifests(readFileSync(binaries.kedaOperatorRole, 'utf8')),
      ...parseManifests(
        readFileSync(binaries.kedaExternalMetricsReaderRole, 'utf8'),
      ),
      ...controllerRbac(),
    ]);

    const operatorConfig = kubeconfig('keda-operator');
    const adapterConfig = kubeconfig('keda-metrics-apiserver');

    const kedaEnv = {
      KUBECONFIG: '',
      WATCH_NAMESPACE: '',
      POD_NAMESPACE: KEDA_NAMESPACE,
      KEDA_CLUSTER_OBJECT_NAMESPACE: KEDA_NAMESPACE,
      POD_NAME: 'keda-operator',
    };
    const operator = ManagedProcess.start({
      name: 'keda-operator',
      binary: binaries.kedaOperator,
      args: [
        `--kubeconfig=${operatorConfig}`,
        `--metrics-bind-address=127.0.0.1:${opMetricsPort}`,
        `--health-probe-bind-address=127.0.0.1:${probePort}`,
        `--metrics-service-bind-address=127.0.0.1:${grpcPort}`,
        `--cert-dir=${certDir}`,
        `--ca-dir=${certDir}`,
        '--leader-elect=false',
        '--zap-log-level=info',
        '--zap-encoder=console',
      ],
      env: { ...kedaEnv, KUBECONFIG: operatorConfig },
      logFile: join(dir, 'keda-operator.log'),
      deathSignal: 'KILL',
    });
    started.push(operator);
    const adapter = ManagedProcess.start({
      name: 'keda-metrics-apiserver',
      binary: binaries.kedaAdapter,
      args: [
        `--kubeconfig=${adapterConfig}`,
        `--lister-kubeconfig=${adapterConfig}`,
        `--authentication-kubeconfig=${adapterConfig}`,
        `--authorization-kubeconfig=${adapterConfig}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${adapterPort}`,
        `--cert-dir=${certDir}`,
        `--tls-cert-file=${join(certDir, 'tls.crt')}`,
        `--tls-private-key-file=${join(certDir, 'tls.key')}`,
        `--metrics-service-address=127.0.0.1:${grpcPort}`,
        `--port=${adapterMetricsPort}`,
        '--zap-log-level=info',
        '--zap-encoder=console',
      ],
      env: { ...kedaEnv, KUBECONFIG: adapterConfig },
      logFile: join(dir, 'keda-metrics-apiserver.log'),
      deathSignal: 'KILL',
    });
    started.push(adapter);

    await applyYaml(
      admin,
      externalMetricsApiService({
        port: adapterPort,
        caBundle: base64Of(join(certDir, 'ca.crt')),
        route: options.aggregatorRoute ?? 'external-name',
      }),
    );
    await waitForExternalMetrics(connection, started, timeoutMs);
    log(
      `kube-controller-manager, KEDA operator and metrics server up; external.metrics.k8s.io available after ${
        Date.now() - t0
      } ms`,
    );
    let stopped: Promise<void> | undefined;
    return {
      pids: {
        kubeControllerManager: kcm.pid,
        kedaOperator: operator.pid,
        kedaMetricsApiserver: adapter.pid,
      },
      startMs: Date.now() - t0,
      stop: () => {
        stopped = stopped ?? stopAll();
        return stopped;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

interface ApiServiceStatus {
  status?: {
    conditions?: Array<{ type: string; status: string; message?: string }>;
  };
}

/** Waits until the APIService is Available and the group answers through the aggregator. */
async function waitForExternalMetrics(
  connection: ClusterConnection,
  processes: ManagedProcess[],
  timeoutMs: number,
): Promise<void> {
  const client = ApiServerClient.create({
    server: connection.server,
    caPem: Buffer.from(connection.caData, 'base64').toString('utf8'),
    token: connection.tokens.admin,
  });
  let last = '';
  try {
    await pollUntil(
      async () => {
        processes.forEach(p => p.assertRunning());
        const res = await client.request(
          'GET',
          `/apis/apiregistration.k8s.io/v1/apiservices/${EXTERNAL_METRICS_APISERVICE}`,
        );
        const available = (
          JSON.parse(res.body) as ApiServiceStatus
        ).status?.conditions?.find(c => c.type === 'Available');
        last = `${available?.status}: ${available?.message ?? ''}`;
        if (available?.status !== 'True') return false;
        const group = await client.request(
          'GET',
          '/apis/external.metrics.k8s.io/v1beta1',
        );
        return group.status === 200;
      },
      timeoutMs,
      () =>
        `APIService ${EXTERNAL_METRICS_APISERVICE} not available after ${timeoutMs} ms (Available=${last}); logs:\n${processes
          .map(p => p.logTail(10))
          .join('\n---\n')}`,
    );
  } finally {
    client.close();
  }
}

export type { ControllerBinaries };
