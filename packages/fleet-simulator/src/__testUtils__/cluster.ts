import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';

/** Writes simulator log lines to stdout when FLEET_SIM_LOG is set (for debugging a test). */
export function testLogger(): ((line: string) => void) | undefined {
  return process.env.FLEET_SIM_LOG
    ? line => process.stdout.write(`${line}\n`)
    : undefined;
}

/** A manifest to create. */
export type Manifest = {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
} & Record<string, unknown>;

/** Polls `check` until it returns a value that is not undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

/** Thin helpers over the API for test setup and assertions. */
export class TestKube {
  readonly custom: CustomObjectsApi;
  readonly core: CoreV1Api;
  readonly namespace: string;

  constructor(kubeConfig: KubeConfig, namespace: string) {
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.namespace = namespace;
  }

  async create(
    group: string,
    version: string,
    plural: string,
    body: { metadata: { name: string; namespace?: string } } & Record<
      string,
      unknown
    >,
  ): Promise<void> {
    await this.custom.createNamespacedCustomObject({
      group,
      version,
      plural,
      namespace: body.metadata.namespace ?? this.namespace,
      body,
    });
  }

  async list<T>(
    group: string,
    version: string,
    plural: string,
    namespace = this.namespace,
  ): Promise<T[]> {
    const list = (await this.custom.listNamespacedCustomObject({
      group,
      version,
      plural,
      namespace,
    })) as { items: T[] };
    return list.items;
  }

  async get<T>(
    group: string,
    version: string,
    plural: string,
    name: string,
    namespace = this.namespace,
  ): Promise<T | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({
        group,
        version,
        plural,
        namespace,
        name,
      })) as T;
    } catch {
      return undefined;
    }
  }

  async delete(
    group: string,
    version: string,
    plural: string,
    name: string,
    namespace = this.namespace,
  ): Promise<void> {
    await this.custom.deleteNamespacedCustomObject({
      group,
      version,
      plural,
      namespace,
      name,
    });
  }

  /** Writes `spec.replicas` through the scale subresource. */
  async scale(
    group: string,
    version: string,
    plural: string,
    name: string,
    replicas: number,
  ): Promise<void> {
    const scale = (await this.custom.getNamespacedCustomObjectScale({
      group,
      version,
      plural,
      namespace: this.namespace,
      name,
    })) as Record<string, unknown>;
    await this.custom.replaceNamespacedCustomObjectScale({
      group,
      version,
      plural,
      namespace: this.namespace,
      name,
      body: { ...scale, spec: { replicas } },
    });
  }

  async secret(
    name: string,
    data: Record<string, string>,
    namespace = this.namespace,
  ): Promise<void> {
    await this.core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name, namespace },
        type: 'Opaque',
        data: Object.fromEntries(
          Object.entries(data).map(([k, v]) => [
            k,
            Buffer.from(v).toString('base64'),
          ]),
        ),
      },
    });
  }

  /** A PersistentVolumeClaim (the golden image), Pending as without a provisioner. */
  async pvc(
    name: string,
    size: string,
    namespace = this.namespace,
  ): Promise<void> {
    await this.core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name, namespace },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: size } },
        },
      },
    });
  }

  async namespaceNamed(name: string): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name } } });
  }
}
