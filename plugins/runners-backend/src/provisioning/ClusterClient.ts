import {
  ApiException,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { MANAGER } from '@runner-fleet/plugin-runners-common';
import { createHash } from 'node:crypto';
import { ClusterTarget } from '../config';
import type { ServedApiCheck } from './apiVersions';
import { listPage } from './cache/TrimmedWatch';
import { KubeObject, RenderedKind } from './render';

/** Identifies one object in a cluster. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/**
 * Writes to one cluster. The reconciler is its only user: nothing else writes to clusters.
 *
 * @public
 */
export interface ClusterClient {
  readonly name: string;
  readonly role: 'primary' | 'burst';
  /**
   * What the cluster serves (from discovery), when checked: renderers and reads pick the
   * VirtualMachinePool version from it. Absent: v1beta1 is assumed.
   */
  readonly apis?: ServedApiCheck;
  /**
   * Server-side apply with field manager `runner-fleet` (or `options.fieldManager`), taking
   * ownership of conflicts.
   */
  apply(object: KubeObject, options?: { fieldManager?: string }): Promise<void>;
  /** A JSON merge patch of an existing object, as `fieldManager`. */
  mergePatch(
    ref: ObjectRef,
    patch: Record<string, unknown>,
    fieldManager: string,
  ): Promise<void>;
  /**
   * Deletes an object; false when it was already gone. Dependents go in the background unless
   * `propagation` is `Foreground`: then the object stays (with a deletion timestamp) until the
   * garbage collector has deleted its dependents, so nothing can reuse its name before they are
   * gone.
   */
  delete(
    ref: ObjectRef,
    options?: { propagation?: 'Background' | 'Foreground' },
  ): Promise<boolean>;
  /** Objects of a kind carrying all the given labels, across namespaces. */
  list(
    kind: RenderedKind,
    labels: Record<string, string>,
  ): Promise<KubeObject[]>;
  /** One object, or undefined. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
}

/** Builds the KubeConfig for a configured cluster. */
export function kubeConfigFor(target: ClusterTarget): KubeConfig {
  const kc = new KubeConfig();
  if (target.authProvider === 'inCluster') {
    kc.loadFromCluster();
    return kc;
  }
  if (target.authProvider === 'kubeconfig') {
    kc.loadFromFile(target.kubeconfigPath!);
    if (target.kubeconfigContext)
      kc.setCurrentContext(target.kubeconfigContext);
    return kc;
  }
  kc.loadFromOptions({
    clusters: [
      {
        name: target.name,
        server: target.url!,
        caData: target.caData,
        caFile: target.caFile,
        skipTLSVerify: target.skipTLSVerify ?? false,
      },
    ],
    users: [{ name: 'runner-fleet', token: target.serviceAccountToken }],
    contexts: [
      { name: target.name, cluster: target.name, user: 'runner-fleet' },
    ],
    currentContext: target.name,
  });
  return kc;
}

type DispatcherFactory = (
  ...args: Parameters<KubeConfig['createDispatcherOptions']>
) => { close(): Promise<void> } | undefined;

/**
 * A copy of `kc` whose requests share one keep-alive connection pool per cluster and
 * credentials. @kubernetes/client-node 2.0 builds a new undici Agent for every request
 * (kubernetes-client/javascript#2893), so each call paid a TCP and TLS handshake; an idle
 * reconcile pass over 1,000 pools spent most of its CPU there.
 */
export function withSharedConnections(kc: KubeConfig): KubeConfig {
  // A view of `kc` (its clusters, users and authenticators stay shared and live) with its own
  // dispatcher factory; `kc` itself, also used by watches, is left as it is.
  const copy = Object.create(kc) as KubeConfig;
  // The factory is private in client-node's typings; this is its shape in 2.0.
  const factory = copy as unknown as { createDispatcher: DispatcherFactory };
  const create = factory.createDispatcher.bind(copy);
  const pools = new Map<string, ReturnType<DispatcherFactory>>();
  factory.createDispatcher = (cluster, agentOptions) => {
    // The TLS material decides the pool: rotated client certificates get a new one.
    const key = createHash('sha256')
      .update(
        JSON.stringify([
          cluster?.server,
          copy.createDispatcherOptions(cluster, agentOptions),
        ]),
      )
      .digest('hex');
    if (!pools.has(key)) {
      // Keep a handful: one per credential generation is plenty.
      if (pools.size >= 8) {
        const [oldest, dispatcher] = pools.entries().next().value!;
        pools.delete(oldest);
        dispatcher?.close().catch(() => undefined);
      }
      pools.set(key, create(cluster, agentOptions));
    }
    return pools.get(key);
  };
  return copy;
}

/** The HTTP status of a failed API server call. */
function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** A cluster error without request bodies (which may hold Secret data). */
function clusterError(
  cluster: string,
  action: string,
  ref: ObjectRef,
  error: unknown,
): Error {
  const body = (error as { body?: unknown }).body;
  let detail = '';
  if (typeof body === 'string') {
    try {
      detail = (JSON.parse(body) as { message?: string }).message ?? '';
    } catch {
      detail = '';
    }
  } else if (body && typeof body === 'object') {
    detail = (body as { message?: string }).message ?? '';
  }
  const status = statusOf(error);
  const where = `${ref.kind} ${
    ref.metadata.namespace ? `${ref.metadata.namespace}/` : ''
  }${ref.metadata.name}`;
  return new Error(
    `cluster '${cluster}': ${action} ${where} failed${
      status ? ` (${status})` : ''
    }${detail ? `: ${detail}` : ''}`,
  );
}

/** {@link ClusterClient} on `@kubernetes/client-node`. */
export class KubernetesClusterClient implements ClusterClient {
  readonly name: string;
  readonly role: 'primary' | 'burst';
  readonly apis?: ServedApiCheck;
  readonly #api: KubernetesObjectApi;
  readonly #apis: { objects: KubernetesObjectApi; custom: CustomObjectsApi };

  static create(options: {
    name: string;
    role: 'primary' | 'burst';
    kubeConfig: KubeConfig;
    apis?: ServedApiCheck;
  }) {
    return new KubernetesClusterClient(
      options.name,
      options.role,
      options.kubeConfig,
      options.apis,
    );
  }

  static fromTarget(target: ClusterTarget) {
    return KubernetesClusterClient.create({
      name: target.name,
      role: target.role,
      kubeConfig: kubeConfigFor(target),
    });
  }

  private constructor(
    name: string,
    role: 'primary' | 'burst',
    kc: KubeConfig,
    apis?: ServedApiCheck,
  ) {
    this.name = name;
    this.role = role;
    this.apis = apis;
    const shared = withSharedConnections(kc);
    this.#api = KubernetesObjectApi.makeApiClient(shared);
    this.#apis = {
      objects: this.#api,
      custom: shared.makeApiClient(CustomObjectsApi),
    };
  }

  async apply(
    object: KubeObject,
    options: { fieldManager?: string } = {},
  ): Promise<void> {
    try {
      await this.#api.patch(
        object as KubernetesObject,
        undefined,
        undefined,
        options.fieldManager ?? MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    } catch (error) {
      throw clusterError(this.name, 'applying', object, error);
    }
  }

  async mergePatch(
    ref: ObjectRef,
    patch: Record<string, unknown>,
    fieldManager: string,
  ): Promise<void> {
    try {
      await this.#api.patch(
        {
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: ref.metadata,
          ...patch,
        } as KubernetesObject,
        undefined,
        undefined,
        fieldManager,
        undefined,
        PatchStrategy.MergePatch,
      );
    } catch (error) {
      throw clusterError(this.name, 'patching', ref, error);
    }
  }

  async delete(
    ref: ObjectRef,
    options: { propagation?: 'Background' | 'Foreground' } = {},
  ): Promise<boolean> {
    try {
      await this.#api.delete(
        ref as KubernetesObject,
        undefined,
        undefined,
        undefined,
        undefined,
        options.propagation ?? 'Background',
      );
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw clusterError(this.name, 'deleting', ref, error);
    }
  }

  async list(
    kind: RenderedKind,
    labels: Record<string, string>,
  ): Promise<KubeObject[]> {
    const selector = Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const items: KubeObject[] = [];
    let continueToken: string | undefined;
    do {
      const page = await listPage(
        this.#apis,
        kind,
        selector,
        500,
        continueToken,
      ).catch(error => {
        throw clusterError(
          this.name,
          'listing',
          {
            apiVersion: kind.apiVersion,
            kind: kind.kind,
            metadata: { name: '*' },
          },
          error,
        );
      });
      for (const item of page.items) {
        items.push({
          ...(item as KubeObject),
          apiVersion: kind.apiVersion,
          kind: kind.kind,
        });
      }
      continueToken = page.continueToken;
    } while (continueToken);
    return items;
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      const header = {
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: {
          name: ref.metadata.name,
          namespace: ref.metadata.namespace ?? '',
        },
      };
      return (await this.#api.read<KubernetesObject>(header)) as KubeObject;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw clusterError(this.name, 'reading', ref, error);
    }
  }
}
