import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { KubeObject } from './objects';
import { apiVersionOf, PVC, ResourceType } from './resources';

/** The HTTP status of a failed API call, if it was one. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** A readable one-line description of a failed API call. */
export function describeError(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = error.body;
    let message = typeof body === 'string' ? body : JSON.stringify(body);
    try {
      const parsed = JSON.parse(message) as { message?: string };
      message = parsed.message ?? message;
    } catch {
      // not JSON: keep the text
    }
    return `${error.code}: ${message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * The few API calls the simulator makes, on custom resources and the core kinds it touches
 * (Secrets, PersistentVolumeClaims, Events). Everything is plain JSON; merge patches only
 * (no server-side apply: the simulator plays controllers, which update what they own).
 */
export class KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly #custom: CustomObjectsApi;
  readonly #core: CoreV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.kubeConfig = kubeConfig;
    this.#custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.#core = kubeConfig.makeApiClient(CoreV1Api);
  }

  #ref(type: ResourceType, namespace: string) {
    return {
      group: type.group,
      version: type.version,
      plural: type.plural,
      namespace,
    };
  }

  /** Lists objects of a type across all namespaces or in one (informers use this). */
  async listAll<T extends KubeObject>(
    type: ResourceType,
    namespace?: string,
  ): Promise<{ items: T[]; metadata?: { resourceVersion?: string } }> {
    if (type === PVC) {
      const list = namespace
        ? await this.#core.listNamespacedPersistentVolumeClaim({ namespace })
        : await this.#core.listPersistentVolumeClaimForAllNamespaces();
      return list as unknown as { items: T[] };
    }
    if (namespace && !type.clusterScoped) {
      return (await this.#custom.listNamespacedCustomObject(
        this.#ref(type, namespace),
      )) as { items: T[] };
    }
    return (await this.#custom.listClusterCustomObject({
      group: type.group,
      version: type.version,
      plural: type.plural,
    })) as { items: T[] };
  }

  /** Lists objects of a type in a namespace. */
  async list<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
  ): Promise<T[]> {
    const list = (await this.#custom.listNamespacedCustomObject(
      this.#ref(type, namespace),
    )) as { items: T[] };
    return list.items;
  }

  /** Reads an object; undefined when it does not exist. */
  async get<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    try {
      if (type.clusterScoped) {
        return (await this.#custom.getClusterCustomObject({
          group: type.group,
          version: type.version,
          plural: type.plural,
          name,
        })) as T;
      }
      return (await this.#custom.getNamespacedCustomObject({
        ...this.#ref(type, namespace),
        name,
      })) as T;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async create<T extends KubeObject>(
    type: ResourceType,
    object: T,
  ): Promise<T> {
    const namespace = object.metadata.namespace ?? '';
    return (await this.#custom.createNamespacedCustomObject({
      ...this.#ref(type, namespace),
      body: { apiVersion: apiVersionOf(type), kind: type.kind, ...object },
    })) as T;
  }

  /** Merge-patches an object (for VMIs, whose status has no subresource, also the status). */
  async patch<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    name: string,
    patch: object,
  ): Promise<T> {
    return (await this.#custom.patchNamespacedCustomObject(
      { ...this.#ref(type, namespace), name, body: patch },
      MERGE_PATCH,
    )) as T;
  }

  /** Merge-patches the status subresource. */
  async patchStatus<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    name: string,
    status: object,
  ): Promise<T> {
    return (await this.#custom.patchNamespacedCustomObjectStatus(
      { ...this.#ref(type, namespace), name, body: { status } },
      MERGE_PATCH,
    )) as T;
  }

  /** Deletes an object; false when it was already gone. */
  async delete(
    type: ResourceType,
    namespace: string,
    name: string,
  ): Promise<boolean> {
    try {
      if (type === PVC) {
        await this.#core.deleteNamespacedPersistentVolumeClaim({
          name,
          namespace,
        });
      } else {
        await this.#custom.deleteNamespacedCustomObject({
          ...this.#ref(type, namespace),
          name,
        });
      }
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  /** The scale subresource: desired `spec.replicas` and the status the controller reported. */
  async getScale(
    type: ResourceType,
    namespace: string,
    name: string,
  ): Promise<
    { replicas: number; statusReplicas: number; selector: string } | undefined
  > {
    try {
      const scale = (await this.#custom.getNamespacedCustomObjectScale({
        ...this.#ref(type, namespace),
        name,
      })) as {
        spec?: { replicas?: number };
        status?: { replicas?: number; selector?: string };
      };
      return {
        replicas: scale.spec?.replicas ?? 0,
        statusReplicas: scale.status?.replicas ?? 0,
        selector: scale.status?.selector ?? '',
      };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Writes `spec.replicas` through the scale subresource, as the HPA and KEDA do. */
  async setScale(
    type: ResourceType,
    namespace: string,
    name: string,
    replicas: number,
  ): Promise<void> {
    await this.#custom.patchNamespacedCustomObjectScale(
      { ...this.#ref(type, namespace), name, body: { spec: { replicas } } },
      MERGE_PATCH,
    );
  }

  /** The decoded `data` of a Secret; undefined when it does not exist. */
  async secretData(
    namespace: string,
    name: string,
  ): Promise<Record<string, string> | undefined> {
    try {
      const secret = await this.#core.readNamespacedSecret({ name, namespace });
      const data: Record<string, string> = {};
      for (const [key, value] of Object.entries(secret.data ?? {})) {
        data[key] = Buffer.from(value, 'base64').toString('utf8');
      }
      for (const [key, value] of Object.entries(secret.stringData ?? {})) {
        data[key] = value;
      }
      return data;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Reads a PersistentVolumeClaim's metadata; undefined when it does not exist. */
  async getPvc(
    namespace: string,
    name: string,
  ): Promise<KubeObject | undefined> {
    try {
      const pvc = await this.#core.readNamespacedPersistentVolumeClaim({
        name,
        namespace,
      });
      return { metadata: { name, namespace, uid: pvc.metadata?.uid } };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Replaces a PersistentVolumeClaim's finalizers (guarded by its resourceVersion). */
  async setPvcFinalizers(
    namespace: string,
    name: string,
    finalizers: string[],
    resourceVersion: string | undefined,
  ): Promise<void> {
    await this.#core.patchNamespacedPersistentVolumeClaim(
      { name, namespace, body: { metadata: { finalizers, resourceVersion } } },
      MERGE_PATCH,
    );
  }

  /** Creates a PersistentVolumeClaim and marks it Bound, as the PV controller would. */
  async createBoundPvc(object: {
    metadata: KubeObject['metadata'];
    spec: Record<string, unknown>;
    capacity: string;
  }): Promise<void> {
    const namespace = object.metadata.namespace ?? '';
    const body = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...object };
    delete (body as { capacity?: string }).capacity;
    await this.#core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: body as Parameters<
        CoreV1Api['createNamespacedPersistentVolumeClaim']
      >[0]['body'],
    });
    await this.#core.patchNamespacedPersistentVolumeClaimStatus(
      {
        name: object.metadata.name,
        namespace,
        body: {
          status: {
            phase: 'Bound',
            accessModes: object.spec.accessModes,
            capacity: { storage: object.capacity },
          },
        },
      },
      MERGE_PATCH,
    );
  }

  /** Records a core Event on an object, as controllers do (visible in `kubectl describe`). */
  async recordEvent(
    object: KubeObject,
    event: {
      type: 'Normal' | 'Warning';
      reason: string;
      message: string;
      component: string;
    },
    time: Date,
  ): Promise<void> {
    const namespace = object.metadata.namespace ?? 'default';
    await this.#core.createNamespacedEvent({
      namespace,
      body: {
        metadata: {
          generateName: `${object.metadata.name}.`,
          namespace,
        },
        involvedObject: {
          apiVersion: object.apiVersion,
          kind: object.kind,
          name: object.metadata.name,
          namespace,
          uid: object.metadata.uid,
        },
        type: event.type,
        reason: event.reason,
        message: event.message,
        source: { component: event.component },
        firstTimestamp: time,
        lastTimestamp: time,
        count: 1,
        reportingComponent: event.component,
      },
    });
  }
}
