export interface Config {
  /** The example permission policy (packages/backend/src/modules/permissionPolicy.ts). */
  runnerFleetPolicy?: {
    /**
     * Who may use the Kubernetes plugin's proxy (`/api/kubernetes/proxy/...`), which forwards
     * raw requests to a cluster with the plugin's identity: `none` (the default) or `platform`
     * (members of `group:default/platform`).
     */
    kubernetesProxy?: 'none' | 'platform';
  };
}
