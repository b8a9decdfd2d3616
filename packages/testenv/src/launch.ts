import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiServerClient } from './ApiServerClient';
import { TestenvBinaries } from './binaries';
import { ensureFrontProxy, FRONT_PROXY_CLIENT_NAME } from './certificates';
import { CredentialFiles } from './credentials';
import { pollUntil } from './crds';
import { freePorts } from './ports';
import { ManagedProcess } from './processes';
import { ControlPlanePorts } from './ports';
import { readSavedPorts, savePorts } from './savedPorts';

export type { ControlPlanePorts } from './ports';

/** A started etcd + kube-apiserver pair whose `/readyz` answered 200. */
export interface LaunchedControlPlane {
  etcd: ManagedProcess;
  apiserver: ManagedProcess;
  server: string;
  caPem: string;
}

/** Issuer of service-account tokens; independent of the port, so tokens survive restarts. */
const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

function etcdArgs(dir: string, ports: ControlPlanePorts): string[] {
  const client = `http://127.0.0.1:${ports.etcdClient}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    '--name=default',
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    // As envtest: tests and local runs trade crash safety for speed.
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];
}

function apiserverArgs(
  dir: string,
  ports: ControlPlanePorts,
  credentials: CredentialFiles,
): string[] {
  const frontProxy = ensureFrontProxy(dir);
  return [
    '--advertise-address=127.0.0.1',
    '--bind-address=127.0.0.1',
    `--secure-port=${ports.apiserver}`,
    `--cert-dir=${join(dir, 'certs')}`,
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${credentials.serviceAccountPublicKeyFile}`,
    `--service-account-signing-key-file=${credentials.serviceAccountKeyFile}`,
    '--authorization-mode=RBAC',
    `--token-auth-file=${credentials.tokenFile}`,
    '--disable-admission-plugins=ServiceAccount',
    '--allow-privileged=true',
    // The aggregation layer, for KEDA's external.metrics.k8s.io (see startControllers). Harmless
    // without an APIService. kube-apiserver proxies with this client certificate and the user in
    // X-Remote-* headers, which the extension server trusts only when signed by this CA.
    `--requestheader-client-ca-file=${frontProxy.caFile}`,
    `--requestheader-allowed-names=${FRONT_PROXY_CLIENT_NAME}`,
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${frontProxy.clientCertFile}`,
    `--proxy-client-key-file=${frontProxy.clientKeyFile}`,
    // Loopback only on these machines: the aggregator must dial the Service's ExternalName
    // (127.0.0.1), not an endpoint; endpoints may not be loopback addresses.
    '--enable-aggregator-routing=false',
  ];
}

/** The serving certificate chain once kube-apiserver has written it completely. */
function readServingCert(certDir: string): string | undefined {
  const file = join(certDir, 'apiserver.crt');
  if (!existsSync(file) || !existsSync(join(certDir, 'apiserver.key'))) {
    return undefined;
  }
  const pem = readFileSync(file, 'utf8');
  return pem.trimEnd().endsWith('-----END CERTIFICATE-----') ? pem : undefined;
}

/**
 * Starts etcd and kube-apiserver with data under `dir` and waits for `/readyz`. On failure both
 * are stopped and the error carries the end of the failing process' log.
 */
export async function launchControlPlane(options: {
  dir: string;
  binaries: TestenvBinaries;
  ports: ControlPlanePorts;
  credentials: CredentialFiles;
  timeoutMs: number;
}): Promise<LaunchedControlPlane> {
  const { dir, binaries, ports, credentials } = options;
  mkdirSync(join(dir, 'certs'), { recursive: true });
  const etcd = ManagedProcess.start({
    name: 'etcd',
    binary: binaries.etcd,
    args: etcdArgs(dir, ports),
    logFile: join(dir, 'etcd.log'),
    deathSignal: 'TERM',
  });
  // SIGKILL on parent death: with etcd going down at the same moment a terminating
  // kube-apiserver would hang for a long time; killing it loses nothing, etcd holds the state.
  const apiserver = ManagedProcess.start({
    name: 'kube-apiserver',
    binary: binaries.kubeApiserver,
    args: apiserverArgs(dir, ports, credentials),
    logFile: join(dir, 'kube-apiserver.log'),
    deathSignal: 'KILL',
  });
  const server = `https://127.0.0.1:${ports.apiserver}`;
  let client: ApiServerClient | undefined;
  let caPem: string | undefined;
  try {
    await pollUntil(
      async () => {
        etcd.assertRunning();
        apiserver.assertRunning();
        caPem = caPem ?? readServingCert(join(dir, 'certs'));
        if (!caPem) return false;
        client =
          client ??
          ApiServerClient.create({
            server,
            caPem,
            token: credentials.tokens.admin,
          });
        const res = await client
          .request('GET', '/readyz')
          .catch(() => undefined);
        return res?.status === 200;
      },
      options.timeoutMs,
      () =>
        `kube-apiserver not ready after ${
          options.timeoutMs
        } ms; last log lines:\n${apiserver.logTail()}`,
    );
  } catch (error) {
    await apiserver.stop('SIGKILL', 5000);
    await etcd.stop('SIGKILL', 5000);
    throw error;
  } finally {
    client?.close();
  }
  return { etcd, apiserver, server, caPem: caPem ?? '' };
}

/**
 * {@link launchControlPlane} on free ports: the remembered ones of a persistent `dir` when free,
 * else new ones. Ports are only reserved until the binaries bind them, so when another process
 * takes one in between ("address already in use") it retries twice with new ports. An explicit
 * `port` is never replaced.
 */
export async function launchOnFreePorts(options: {
  dir: string;
  persistent: boolean;
  port?: number;
  binaries: TestenvBinaries;
  credentials: CredentialFiles;
  timeoutMs: number;
  log: (line: string) => void;
}): Promise<LaunchedControlPlane> {
  let saved = options.persistent ? readSavedPorts(options.dir) : {};
  for (let attempt = 1; ; attempt++) {
    const [apiserver, etcdClient, etcdPeer] = await freePorts([
      options.port ?? saved.apiserver,
      saved.etcdClient,
      saved.etcdPeer,
    ]);
    if (options.port && apiserver !== options.port) {
      throw new Error(`port ${options.port} on 127.0.0.1 is in use`);
    }
    const ports = { apiserver, etcdClient, etcdPeer };
    if (options.persistent) savePorts(options.dir, ports);
    try {
      return await launchControlPlane({ ...options, ports });
    } catch (error) {
      const taken = /address already in use/i.test(String(error));
      if (!taken || attempt >= 3 || options.port) throw error;
      options.log(`a port was taken while starting; retrying with other ports`);
      saved = {};
    }
  }
}
