import {
  ApiException,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';

/** Request options sending a JSON merge patch (client-node defaults to JSON patch). */
export const mergePatch = setHeaderOptions(
  'Content-Type',
  PatchStrategy.MergePatch,
);

/** A custom resource as plain JSON. */
export type Obj = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    managedFields?: Array<{ manager?: string; operation?: string }>;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

/** Group, version and plural of the custom resources used in the tests. */
export const RESOURCES = {
  VirtualMachineInstanceReplicaSet: {
    group: 'kubevirt.io',
    version: 'v1',
    plural: 'virtualmachineinstancereplicasets',
  },
  VirtualMachinePool: {
    group: 'pool.kubevirt.io',
    version: 'v1beta1',
    plural: 'virtualmachinepools',
  },
  DataVolume: {
    group: 'cdi.kubevirt.io',
    version: 'v1beta1',
    plural: 'datavolumes',
  },
  ScaledObject: {
    group: 'keda.sh',
    version: 'v1alpha1',
    plural: 'scaledobjects',
  },
  TriggerAuthentication: {
    group: 'keda.sh',
    version: 'v1alpha1',
    plural: 'triggerauthentications',
  },
} as const;

/** Kind names of {@link RESOURCES}. */
export type Kind = keyof typeof RESOURCES;

/** Creates and reads custom resources of {@link RESOURCES} in one namespace. */
export function customObjects(kc: KubeConfig, namespace: string) {
  const api = kc.makeApiClient(CustomObjectsApi);
  const where = (kind: Kind) => ({ ...RESOURCES[kind], namespace });
  return {
    create: async (body: Obj): Promise<Obj> =>
      (await api.createNamespacedCustomObject({
        ...where(body.kind as Kind),
        body,
      })) as Obj,
    get: async (kind: Kind, name: string): Promise<Obj> =>
      (await api.getNamespacedCustomObject({ ...where(kind), name })) as Obj,
    patchStatus: async (kind: Kind, name: string, status: object) =>
      (await api.patchNamespacedCustomObjectStatus(
        { ...where(kind), name, body: { status } },
        mergePatch,
      )) as Obj,
    api,
  };
}

/** The HTTP status and the API server's message of a rejected call. */
export async function rejection(
  call: Promise<unknown>,
): Promise<{ code: number; message: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiException) {
      const body: unknown =
        typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      const message =
        typeof body === 'object' && body !== null && 'message' in body
          ? String(body.message)
          : String(error.body);
      return { code: error.code, message };
    }
    throw error;
  }
  throw new Error('expected the API server to reject the call');
}
