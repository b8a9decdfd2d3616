import {
  AutoscalingV2Api,
  CustomObjectsApi,
  KubernetesObject,
} from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyYaml, createNamespace } from '../applyYaml';
import { base64Of, ensureCa, ensureCertificate } from '../certificates';
import { ControlPlane, startControlPlane } from '../startControlPlane';

/*
 * The real HPA of kube-controller-manager 1.35 reading an external metric through the
 * aggregation layer (ExternalName 127.0.0.1). The metric comes from a minimal node:https stand-in
 * for KEDA's metrics server, so this runs without KEDA's build; realKeda.real-controllers.test.ts in the fleet
 * simulator covers KEDA itself. Not in the default run: `yarn test:real-controllers` (needs the controllers' build).
 */
jest.setTimeout(180_000);

const NS = 'hpa-test';

async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

describe('the real HPA on an external metric through the aggregator', () => {
  let plane: ControlPlane;
  let server: Server;
  let dir: string;
  let busy = 0;
  const users = new Set<string>();

  beforeAll(async () => {
    plane = await startControlPlane({
      controllers: { keda: false, hpaSyncPeriod: '2s' },
      timeoutMs: 120_000,
    });
    const admin = plane.kubeConfig('admin');
    await createNamespace(admin, NS);
    dir = mkdtempSync(join(tmpdir(), 'hpa-test-'));
    const ca = ensureCa(dir, 'ca');
    const cert = ensureCertificate({
      dir,
      name: 'tls',
      ca,
      commonName: 'ext-metrics',
      altNames: [`DNS:ext-metrics.${NS}.svc`],
      usages: ['serverAuth'],
    });
    server = createServer(
      { cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) },
      (req, res) => {
        users.add(String(req.headers['x-remote-user'] ?? ''));
        const url = new URL(req.url ?? '/', 'https://x');
        const base = '/apis/external.metrics.k8s.io/v1beta1';
        res.writeHead(200, { 'content-type': 'application/json' });
        if (url.pathname === base) {
          res.end(
            JSON.stringify({
              kind: 'APIResourceList',
              apiVersion: 'v1',
              groupVersion: 'external.metrics.k8s.io/v1beta1',
              resources: [],
            }),
          );
          return;
        }
        const metricName = url.pathname.split('/').pop();
        res.end(
          JSON.stringify({
            kind: 'ExternalMetricValueList',
            apiVersion: 'external.metrics.k8s.io/v1beta1',
            metadata: {},
            items: [
              {
                metricName,
                metricLabels: {},
                timestamp: new Date().toISOString(),
                value: `${Math.round(busy * 1000)}m`,
              },
            ],
          }),
        );
      },
    );
    await new Promise<void>(resolve =>
      server.listen(0, '127.0.0.1', () => resolve()),
    );
    const { port } = server.address() as AddressInfo;
    const objects: Array<KubernetesObject & Record<string, unknown>> = [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'ext-metrics', namespace: NS },
        spec: {
          type: 'ExternalName',
          externalName: '127.0.0.1',
          ports: [{ name: 'https', port }],
        },
      },
      {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: 'v1beta1.external.metrics.k8s.io' },
        spec: {
          group: 'external.metrics.k8s.io',
          version: 'v1beta1',
          service: { name: 'ext-metrics', namespace: NS, port },
          caBundle: base64Of(ca.certFile),
          groupPriorityMinimum: 100,
          versionPriority: 100,
        },
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'hpa-test-external-metrics-reader' },
        rules: [
          {
            apiGroups: ['external.metrics.k8s.io'],
            resources: ['*'],
            verbs: ['get', 'list', 'watch'],
          },
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'hpa-test-external-metrics-reader' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'hpa-test-external-metrics-reader',
        },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'horizontal-pod-autoscaler',
            namespace: 'kube-system',
          },
        ],
      },
      {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachineInstanceReplicaSet',
        metadata: { name: 'pool', namespace: NS },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'pool' } },
          template: {
            metadata: { labels: { app: 'pool' } },
            spec: {
              domain: {
                devices: {},
                resources: { requests: { memory: '64Mi' } },
              },
            },
          },
        },
      },
    ];
    await applyYaml(admin, objects);
    // Plays KubeVirt's status: the HPA needs a selector on /scale.
    await admin
      .makeApiClient(CustomObjectsApi)
      .patchNamespacedCustomObjectStatus({
        group: 'kubevirt.io',
        version: 'v1',
        namespace: NS,
        plural: 'virtualmachineinstancereplicasets',
        name: 'pool',
        // client-node sends JSON patches by default
        body: [
          {
            op: 'add',
            path: '/status',
            value: { replicas: 1, labelSelector: 'app=pool' },
          },
        ],
      });
  });

  afterAll(async () => {
    await new Promise<void>(resolve => {
      server?.close(() => resolve());
      server?.closeAllConnections();
    });
    await plane?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const replicas = async () =>
    (
      (await plane
        .kubeConfig('admin')
        .makeApiClient(CustomObjectsApi)
        .getNamespacedCustomObjectScale({
          group: 'kubevirt.io',
          version: 'v1',
          namespace: NS,
          plural: 'virtualmachineinstancereplicasets',
          name: 'pool',
        })) as { spec?: { replicas?: number } }
    ).spec?.replicas;

  it('scales to ceil(busy / target) within the behaviour’s policies and maxReplicas', async () => {
    busy = 6;
    await plane
      .kubeConfig('admin')
      .makeApiClient(AutoscalingV2Api)
      .createNamespacedHorizontalPodAutoscaler({
        namespace: NS,
        body: {
          metadata: { name: 'pool' },
          spec: {
            scaleTargetRef: {
              apiVersion: 'kubevirt.io/v1',
              kind: 'VirtualMachineInstanceReplicaSet',
              name: 'pool',
            },
            minReplicas: 1,
            maxReplicas: 6,
            metrics: [
              {
                type: 'External',
                external: {
                  metric: { name: 's0-metric-api-busyJobSlots' },
                  target: { type: 'AverageValue', averageValue: '1200m' },
                },
              },
            ],
            behavior: {
              scaleUp: {
                stabilizationWindowSeconds: 0,
                selectPolicy: 'Max',
                policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }],
              },
            },
          },
        },
      });
    // 6 / 1.2 = 5, and 1 + 4 Pods per 60 s allows 5
    await eventually('5 replicas', async () =>
      (await replicas()) === 5 ? true : undefined,
    );
    expect(users).toContain(
      'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
    );
    // 20 / 1.2 = 17: the policy already spent its 4 Pods this minute, and max is 6
    busy = 20;
    const hpa = await eventually('ScalingLimited', async () => {
      const h = await plane
        .kubeConfig('admin')
        .makeApiClient(AutoscalingV2Api)
        .readNamespacedHorizontalPodAutoscaler({
          name: 'pool',
          namespace: NS,
        });
      return h.status?.conditions?.find(
        c => c.type === 'ScalingLimited' && c.status === 'True',
      )
        ? h
        : undefined;
    });
    expect(hpa.status?.desiredReplicas).toBeLessThanOrEqual(6);
    expect(await replicas()).toBeLessThanOrEqual(6);
  });
});
