export interface Config {
  /** Runner Fleet portal settings. */
  runners?: {
    /**
     * Base URL of the GitLab instance the runners register with, e.g.
     * `https://gitlab.example.com`. The portal links each pool to
     * `<gitlabBaseUrl>/admin/runners/<runner id>`; without it, no GitLab link is shown.
     * @visibility frontend
     */
    gitlabBaseUrl?: string;
    /**
     * How often, in seconds, the pool detail view refreshes while a pool is provisioning or
     * deleting. Defaults to 3.
     * @visibility frontend
     */
    provisioningPollSeconds?: number;
    /**
     * What one cost unit is, e.g. `EUR` or `USD`, when the platform team prices the relative
     * cost weights (m1.large = 1 unit per hour). Without it, costs read "cost units".
     * @visibility frontend
     */
    costUnit?: string;
  };
}
