/**
 * A real Kubernetes control plane for Runner Fleet tests and local runs: upstream etcd 3.6 and
 * kube-apiserver 1.35 (built by `tools/k8s-testenv`), the upstream KubeVirt, CDI and KEDA CRDs,
 * static-token identities and the backend's RBAC from `k8s/rbac/`.
 *
 * Jest helpers live in `@runner-fleet/testenv/jest`.
 *
 * @packageDocumentation
 */

export { startControlPlane } from './startControlPlane';
export type {
  ControlPlane,
  ControlPlaneOptions,
  ControlPlaneTimings,
} from './startControlPlane';
export { IDENTITIES, userNameOf } from './credentials';
export { startControllers } from './controllers/startControllers';
export type {
  ControllersOptions,
  RunningControllers,
} from './controllers/startControllers';
export type { AggregatorRoute } from './controllers/manifests';
export type { Identity, IdentityTokens } from './credentials';
export {
  kubeConfigFor,
  kubeconfigYamlFor,
  readClusterConnection,
  writeKubeconfigFile,
} from './kubeconfig';
export type { ClusterConnection } from './kubeconfig';
export { applyYaml, createNamespace, parseManifests } from './applyYaml';
export type { ApplyYamlOptions } from './applyYaml';
