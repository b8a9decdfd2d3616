import { KubeConfig } from '@kubernetes/client-node';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiServerClient } from './ApiServerClient';
import { findRepoRoot, resolveBinaries } from './binaries';
import { installCrds, warmUpCustomResourceWrites } from './crds';
import { ensureCredentials, Identity } from './credentials';
import {
  ClusterConnection,
  kubeConfigFor,
  kubeconfigYamlFor,
  writeKubeconfigFile,
} from './kubeconfig';
import { LaunchedControlPlane, launchOnFreePorts } from './launch';
import { forgetTempDir, registerTempDir } from './processes';
import { applyBackendRbac } from './rbac';
import {
  ControllersOptions,
  RunningControllers,
  startControllers,
} from './controllers/startControllers';

/** Options of {@link startControlPlane}. @public */
export interface ControlPlaneOptions {
  /**
   * Directory with `etcd` and `kube-apiserver`. Default: the stamp dir in
   * `RUNNER_FLEET_K8S_TESTENV_DIR`, else what `tools/k8s-testenv/build.sh` prints.
   */
  binDir?: string;
  /** CRDs to install (`*.yaml`); default `<binDir>/../crds`. */
  crdsDir?: string;
  /**
   * Keep state here: etcd data, serving certificate, service-account keys and tokens are reused
   * on the next start with the same directory, and preferred ports are remembered. Default: a
   * temporary directory, removed by `stop()` (or when the process exits).
   */
  dataDir?: string;
  /** API server port; default the remembered one when free, else a free one. */
  port?: number;
  /** RBAC manifests to apply; default `<repo>/k8s/rbac` when present; `false` for none. */
  rbacDir?: string | false;
  /** Receives progress lines. */
  log?: (line: string) => void;
  /** Limit for each wait (ready, CRDs established); default 60 s. */
  timeoutMs?: number;
  /**
   * Also run the real kube-controller-manager (HPA, garbage collector, namespace) and KEDA
   * (operator + metrics API server behind the aggregation layer); `true` for the defaults. Off by
   * default: they need `tools/k8s-testenv/build-controllers.sh` and ~0.5 GiB more memory.
   */
  controllers?: boolean | ControllersOptions;
}

/** Where start-up time went, in milliseconds. @public */
export interface ControlPlaneTimings {
  /** Finding (or building) the binaries. */
  binariesMs: number;
  /** From launching etcd until kube-apiserver's `/readyz` is 200. */
  readyMs: number;
  /** Installing the CRDs until all are Established and discoverable. */
  crdsMs: number;
  /** Applying `k8s/rbac` (in parallel with the first custom-resource write warming up). */
  rbacMs: number;
  /**
   * From launching etcd until usable: ready, CRDs established and listable, RBAC applied, and
   * a custom resource can be created without the start-up stall.
   */
  warmStartMs: number;
}

/** A running control plane. @public */
export interface ControlPlane extends ClusterConnection {
  /** A client configuration for one identity. */
  kubeConfig(identity: Identity): KubeConfig;
  /** A kubeconfig file's text for one identity. */
  kubeconfigYaml(identity: Identity): string;
  /** Writes a kubeconfig for one identity (mode 0600). */
  writeKubeconfig(path: string, identity: Identity): void;
  /** Stops the controllers, kube-apiserver, then etcd; removes the temporary directory. Idempotent. */
  stop(): Promise<void>;
  /** The real controllers, when started with `controllers`. */
  readonly controllers?: RunningControllers;
  /** The state directory (temporary unless `dataDir` was given). */
  readonly dataDir: string;
  /** Process ids, e.g. to measure memory. */
  readonly pids: { etcd: number; apiserver: number };
  /** Where start-up time went. */
  readonly timings: ControlPlaneTimings;
}

/**
 * Starts a real etcd 3.6 + kube-apiserver 1.35 on 127.0.0.1 with static-token identities,
 * installs the upstream KubeVirt, CDI and KEDA CRDs and waits until they are Established, and
 * applies the backend's RBAC from `k8s/rbac/` (bound to the user `runner-fleet-backend`).
 *
 * The children die with this process (parent-death signal, and an exit handler), so a crashed
 * test run leaves nothing behind; call `stop()` for a clean shutdown.
 *
 * @public
 */
export async function startControlPlane(
  options: ControlPlaneOptions = {},
): Promise<ControlPlane> {
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 60_000;
  const t0 = Date.now();
  const binaries = await resolveBinaries({ ...options, log });
  const binariesMs = Date.now() - t0;

  const persistent = options.dataDir !== undefined;
  const dir = persistent
    ? resolve(options.dataDir as string)
    : mkdtempSync(join(tmpdir(), 'runner-fleet-testenv-'));
  if (persistent) mkdirSync(dir, { recursive: true });
  else registerTempDir(dir);

  const credentials = ensureCredentials(dir);
  const tLaunch = Date.now();
  let launched: LaunchedControlPlane;
  try {
    launched = await launchOnFreePorts({
      dir,
      persistent,
      port: options.port,
      binaries,
      credentials,
      timeoutMs,
      log,
    });
  } catch (error) {
    if (!persistent) {
      rmSync(dir, { recursive: true, force: true });
      forgetTempDir(dir);
    }
    throw error;
  }
  const readyMs = Date.now() - tLaunch;
  log(`kube-apiserver ready at ${launched.server} after ${readyMs} ms`);

  let stopped: Promise<void> | undefined;
  let controllers: RunningControllers | undefined;
  const stop = (): Promise<void> => {
    stopped =
      stopped ??
      (async () => {
        await controllers?.stop();
        // kube-apiserver first: with etcd gone it retries for a long time before exiting.
        // Throw-away state needs no graceful shutdown.
        const signal = persistent ? 'SIGTERM' : 'SIGKILL';
        await launched.apiserver.stop(signal, 15_000);
        await launched.etcd.stop(signal, 10_000);
        if (!persistent) {
          rmSync(dir, { recursive: true, force: true });
          forgetTempDir(dir);
        }
      })();
    return stopped;
  };

  const connection: ClusterConnection = {
    server: launched.server,
    caData: Buffer.from(launched.caPem).toString('base64'),
    tokens: credentials.tokens,
  };
  let crdsMs = 0;
  let rbacMs = 0;
  const client = ApiServerClient.create({
    server: launched.server,
    caPem: launched.caPem,
    token: credentials.tokens.admin,
  });
  try {
    const tCrds = Date.now();
    const names = await installCrds(client, binaries.crdsDir, timeoutMs);
    crdsMs = Date.now() - tCrds;
    log(`${names.length} CRDs Established after ${crdsMs} ms`);

    const rbacDir = resolveRbacDir(options.rbacDir);
    const tRbac = Date.now();
    await Promise.all([
      warmUpCustomResourceWrites(client, timeoutMs),
      rbacDir &&
        applyBackendRbac(kubeConfigFor(connection, 'admin'), rbacDir).then(
          () => {
            rbacMs = Date.now() - tRbac;
            log(`applied ${rbacDir} in ${rbacMs} ms`);
          },
        ),
    ]);
    if (options.controllers) {
      controllers = await startControllers(connection, dir, {
        log,
        timeoutMs,
        ...(options.controllers === true ? {} : options.controllers),
      });
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.close();
  }

  return {
    ...connection,
    kubeConfig: identity => kubeConfigFor(connection, identity),
    kubeconfigYaml: identity => kubeconfigYamlFor(connection, identity),
    writeKubeconfig: (path, identity) =>
      writeKubeconfigFile(path, connection, identity),
    stop,
    controllers,
    dataDir: dir,
    pids: { etcd: launched.etcd.pid, apiserver: launched.apiserver.pid },
    timings: {
      binariesMs,
      readyMs,
      crdsMs,
      rbacMs,
      warmStartMs: Date.now() - tLaunch,
    },
  };
}

function resolveRbacDir(
  option: string | false | undefined,
): string | undefined {
  if (option === false) return undefined;
  if (option) return option;
  const root = findRepoRoot();
  const dir = root && join(root, 'k8s', 'rbac');
  return dir && existsSync(dir) ? dir : undefined;
}
