/**
 * Differences between the CRDs built by tools/k8s-testenv (KubeVirt v1.9.0, CDI v1.65.0, KEDA
 * v2.21.0 releases) and the main-branch snapshots in ../shared/reference/crds, as documented in
 * tools/k8s-testenv/README.md. Anything else fails the comparison.
 */
export interface KnownDifferences {
  /** Why these differences are expected (shown in the test name). */
  reason: string;
  /** Schema diff paths (from `jsonDiff`, per version) that are expected. */
  schema: (diff: string) => boolean;
  /** Annotations whose value may differ. */
  annotations?: string[];
}

const SCHEMA = '.schema.openAPIV3Schema.properties';
const statusOnly = (diff: string) =>
  new RegExp(
    `^[-+~]versions\\[[^\\]]+\\]${SCHEMA.replace(
      /\./g,
      '\\.',
    )}\\.status(\\.|\\[|$)`,
  ).test(diff);
const CONTROLLER_GEN = ['controller-gen.kubebuilder.io/version'];
const exactly = (paths: string[]) => (diff: string) => paths.includes(diff);
const kedaAuth = `+versions[v1alpha1]${SCHEMA}.spec.properties.azureServicePrincipal`;

/** Known differences by CRD file name; files not listed must match exactly. */
export const KNOWN_CRD_DIFFERENCES: Record<string, KnownDifferences> = {
  'kubevirt.io_virtualmachines.yaml': {
    reason: 'status-only schema changes on KubeVirt main',
    schema: statusOnly,
  },
  'kubevirt.io_virtualmachineinstances.yaml': {
    reason: 'status-only schema changes on KubeVirt main',
    schema: statusOnly,
  },
  'cdi.kubevirt.io_datavolumes.yaml': {
    reason: 'CDI main adds http.insecureSkipVerify and vddk.certConfigMap',
    schema: exactly([
      `-versions[v1beta1]${SCHEMA}.spec.properties.source.properties.http.properties.insecureSkipVerify`,
      `-versions[v1beta1]${SCHEMA}.spec.properties.source.properties.vddk.properties.certConfigMap`,
    ]),
  },
  'keda.sh_scaledobjects.yaml': {
    reason: 'controller-gen version annotation only',
    schema: () => false,
    annotations: CONTROLLER_GEN,
  },
  'keda.sh_triggerauthentications.yaml': {
    reason: 'KEDA v2.21.0 adds spec.azureServicePrincipal',
    schema: exactly([kedaAuth]),
    annotations: CONTROLLER_GEN,
  },
  'keda.sh_clustertriggerauthentications.yaml': {
    reason: 'KEDA v2.21.0 adds spec.azureServicePrincipal',
    schema: exactly([kedaAuth]),
    annotations: CONTROLLER_GEN,
  },
};
