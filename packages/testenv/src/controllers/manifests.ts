import { KubernetesObject } from '@kubernetes/client-node';

/** The namespace KEDA's cluster objects live in (as KEDA's own install). */
export const KEDA_NAMESPACE = 'keda';
/** The Service the APIService points at (KEDA's own name). */
export const KEDA_METRICS_SERVICE = 'keda-metrics-apiserver';
/** KEDA's APIService name; its operator looks for exactly this one. */
export const EXTERNAL_METRICS_APISERVICE = 'v1beta1.external.metrics.k8s.io';

/** A manifest: any Kubernetes object with its fields. */
export type Manifest = KubernetesObject & Record<string, unknown>;

/** How the aggregator reaches the loopback KEDA metrics API server. */
export type AggregatorRoute = 'external-name' | 'endpoints';

/**
 * RBAC for the out-of-cluster controllers, binding local users to upstream's roles:
 *
 * - `keda-operator`: KEDA's own ClusterRole and Role `keda-operator` (from the KEDA module,
 *   `config/rbac/role.yaml`, applied separately).
 * - `keda-metrics-apiserver`: what a delegating extension API server needs (`system:auth-delegator`
 *   for TokenReviews/SubjectAccessReviews, `extension-apiserver-authentication-reader` for the
 *   front-proxy CA) plus reading ScaledObjects; it asks the operator for metric values over gRPC.
 * - the HPA controller's service account reads external metrics (KEDA's
 *   `keda-external-metrics-reader`, from `config/metrics-server/role.yaml`).
 * - `system:kube-controller-manager` needs nothing here: kube-apiserver's bootstrap policy binds
 *   it and every controller's service account.
 */
export function controllerRbac(): Manifest[] {
  const user = (name: string) => ({
    kind: 'User',
    apiGroup: 'rbac.authorization.k8s.io',
    name,
  });
  const clusterRef = (name: string) => ({
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'ClusterRole',
    name,
  });
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'keda-operator' },
      roleRef: clusterRef('keda-operator'),
      subjects: [user('keda-operator')],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'keda-operator', namespace: KEDA_NAMESPACE },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'keda-operator',
      },
      subjects: [user('keda-operator')],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'runner-fleet-testenv:keda-metrics-apiserver' },
      rules: [
        {
          apiGroups: ['keda.sh'],
          resources: ['scaledobjects'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'runner-fleet-testenv:keda-metrics-apiserver' },
      roleRef: clusterRef('runner-fleet-testenv:keda-metrics-apiserver'),
      subjects: [user('keda-metrics-apiserver')],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'keda-system-auth-delegator' },
      roleRef: clusterRef('system:auth-delegator'),
      subjects: [user('keda-metrics-apiserver')],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'keda-auth-reader', namespace: 'kube-system' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'extension-apiserver-authentication-reader',
      },
      subjects: [user('keda-metrics-apiserver')],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'keda-hpa-controller-external-metrics' },
      roleRef: clusterRef('keda-external-metrics-reader'),
      subjects: [
        {
          kind: 'ServiceAccount',
          name: 'horizontal-pod-autoscaler',
          namespace: 'kube-system',
        },
      ],
    },
  ];
}

/**
 * The Service and APIService through which kube-apiserver's aggregator proxies
 * `external.metrics.k8s.io` to KEDA's metrics API server on `127.0.0.1:<port>`.
 *
 * - `external-name` (works): with `--enable-aggregator-routing=false` the aggregator resolves a
 *   Service of type ExternalName to `https://<externalName>:<APIService port>`, so
 *   `externalName: 127.0.0.1` reaches the loopback listener. The serving certificate is checked
 *   against `caBundle` for the name `<service>.<namespace>.svc`.
 * - `endpoints` (for the record): a selector-less ClusterIP Service with an Endpoints object at
 *   127.0.0.1; the API server refuses loopback endpoint addresses, see the package README.
 */
export function externalMetricsApiService(options: {
  port: number;
  caBundle: string;
  route: AggregatorRoute;
}): Manifest[] {
  const service: Manifest =
    options.route === 'external-name'
      ? {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: KEDA_METRICS_SERVICE, namespace: KEDA_NAMESPACE },
          spec: {
            type: 'ExternalName',
            externalName: '127.0.0.1',
            ports: [{ name: 'https', port: options.port }],
          },
        }
      : {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: KEDA_METRICS_SERVICE, namespace: KEDA_NAMESPACE },
          spec: { ports: [{ name: 'https', port: options.port }] },
        };
  const endpoints: Manifest[] =
    options.route === 'endpoints'
      ? [
          {
            apiVersion: 'v1',
            kind: 'Endpoints',
            metadata: {
              name: KEDA_METRICS_SERVICE,
              namespace: KEDA_NAMESPACE,
            },
            subsets: [
              {
                addresses: [{ ip: '127.0.0.1' }],
                ports: [{ name: 'https', port: options.port }],
              },
            ],
          },
        ]
      : [];
  return [
    service,
    ...endpoints,
    {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: EXTERNAL_METRICS_APISERVICE },
      spec: {
        service: {
          name: KEDA_METRICS_SERVICE,
          namespace: KEDA_NAMESPACE,
          port: options.port,
        },
        group: 'external.metrics.k8s.io',
        version: 'v1beta1',
        caBundle: options.caBundle,
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    },
  ];
}
