import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { createNamespace } from '../applyYaml';
import { ControlPlane, startControlPlane } from '../startControlPlane';

/*
 * The real kube-controller-manager (garbage collector, namespace controller) against a control
 * plane of its own. Not in the default run (`yarn test:real-controllers`): it needs
 * tools/k8s-testenv/build-controllers.sh (or RUNNER_FLEET_K8S_CONTROLLERS_DIR).
 */
jest.setTimeout(120_000);

async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

describe('kube-controller-manager', () => {
  let plane: ControlPlane;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  const ns = 'kcm-test';

  beforeAll(async () => {
    plane = await startControlPlane({
      controllers: { keda: false },
      timeoutMs: 120_000,
    });
    core = plane.kubeConfig('admin').makeApiClient(CoreV1Api);
    custom = plane.kubeConfig('admin').makeApiClient(CustomObjectsApi);
    await createNamespace(plane.kubeConfig('admin'), ns);
  });

  afterAll(() => plane?.stop());

  it('runs as system:kube-controller-manager with each controller as its own service account', async () => {
    await eventually('the garbage collector service account', async () => {
      const sa = await core.readNamespacedServiceAccount({
        name: 'generic-garbage-collector',
        namespace: 'kube-system',
      });
      return sa.metadata?.name === 'generic-garbage-collector';
    });
    expect(plane.controllers?.pids.kubeControllerManager).toBeGreaterThan(0);
    expect(plane.controllers?.pids.kedaOperator).toBeUndefined();
  });

  it('the garbage collector deletes a custom resource whose owner was deleted', async () => {
    const owner = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'pool-owner' }, data: {} },
    });
    const ownerReferences = [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'pool-owner',
        uid: owner.metadata?.uid ?? '',
      },
    ];
    await custom.createNamespacedCustomObject({
      group: 'keda.sh',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'triggerauthentications',
      body: {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'TriggerAuthentication',
        metadata: { name: 'owned', ownerReferences },
        spec: {
          secretTargetRef: [{ parameter: 'token', name: 's', key: 'token' }],
        },
      },
    });
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'owned', ownerReferences }, data: {} },
    });
    await core.deleteNamespacedConfigMap({ name: 'pool-owner', namespace: ns });
    await eventually('the owned TriggerAuthentication gone', async () => {
      try {
        await custom.getNamespacedCustomObject({
          group: 'keda.sh',
          version: 'v1alpha1',
          namespace: ns,
          plural: 'triggerauthentications',
          name: 'owned',
        });
        return false;
      } catch {
        return true;
      }
    });
    await expect(
      core.readNamespacedSecret({ name: 'owned', namespace: ns }),
    ).rejects.toThrow();
  });

  it('the namespace controller finishes deleting a namespace with objects in it', async () => {
    await createNamespace(plane.kubeConfig('admin'), 'kcm-gone');
    await core.createNamespacedSecret({
      namespace: 'kcm-gone',
      body: { metadata: { name: 'leftover' }, data: {} },
    });
    await core.deleteNamespace({ name: 'kcm-gone' });
    await eventually('the namespace gone', async () => {
      try {
        await core.readNamespace({ name: 'kcm-gone' });
        return false;
      } catch {
        return true;
      }
    });
    await expect(core.readNamespace({ name: 'kcm-gone' })).rejects.toThrow();
  });
});
