export interface Config {
  /** Runner Fleet: self-service GitLab runner pools on KubeVirt, autoscaled by KEDA. */
  runners?: {
    /**
     * Standard flavors teams pick from. Defaults: m1.large (4 vCPU / 6 GiB / 80 GiB),
     * m1.xlarge (8/16/160), m1.xxlarge (16/30/160) on Linux and win.xlarge (8/16/160) on Windows.
     */
    flavors?: Array<{
      /** Unique name, e.g. `m1.large`. */
      name: string;
      /** Shown in the portal. */
      description?: string;
      /** `linux` or `windows`. */
      os: 'linux' | 'windows';
      /** Virtual CPUs per VM. */
      cpu: number;
      /** Memory per VM, GiB. */
      memoryGiB: number;
      /** Disk per VM, GiB. */
      diskGiB: number;
      /** Linux: containerDisk image. Windows: golden image DataSource as `<namespace>/<name>`. */
      image: string;
      /** Jobs one VM runs at once. Default: one per 2 vCPU. */
      jobSlots?: number;
      /** Relative hourly cost; m1.large is 1. Default: derived from CPU and memory. */
      costWeight?: number;
    }>;
    /** Bounds for team-specific custom flavors. */
    customFlavors?: {
      /** Allow custom flavors at all. Default true. */
      enabled?: boolean;
      /** Default 2. */
      minCpu?: number;
      /** Default 32. */
      maxCpu?: number;
      /** Default 2. */
      minMemoryGiB?: number;
      /** Default 128. */
      maxMemoryGiB?: number;
      /** Default 500. */
      maxDiskGiB?: number;
      /** Custom flavors above this many vCPU wait for approval. Default 16. */
      approvalAboveCpu?: number;
      /** Custom flavors above this much memory (GiB) wait for approval. Default 32. */
      approvalAboveMemoryGiB?: number;
      /** Images for custom flavors; default: the first standard flavor's image of each OS. */
      images?: { linux?: string; windows?: string };
    };
    /**
     * How each Windows golden image boots. An image not listed here boots with BIOS (KubeVirt's
     * default). The firmware must match how the image was installed: a Windows installed with
     * UEFI does not boot with BIOS, and the other way round.
     */
    goldenImages?: Array<{
      /** The golden image DataSource as `<namespace>/<name>`, as in a flavor's `image`. */
      image: string;
      /** `bios` (default) or `efi` (OVMF). */
      firmware?: 'bios' | 'efi';
      /**
       * EFI only: Secure Boot; the VM then also gets SMM, which KubeVirt requires for it.
       * Default true with `efi` (KubeVirt's own default).
       */
      secureBoot?: boolean;
      /** EFI only: an emulated TPM 2.0 (not persistent). Windows 11 / Server 2025 expect one. Default false. */
      tpm?: boolean;
    }>;
    /** Per-team limits. A pool reserves its maximum size against its team's quota. */
    quotas?: {
      /** Limits for teams without an override. Default 128 vCPU, 256 GiB, 10 pools. */
      default?: { maxCpu?: number; maxMemoryGiB?: number; maxPools?: number };
      /** Overrides by team (catalog Group name). */
      teams?: {
        [team: string]: {
          maxCpu?: number;
          maxMemoryGiB?: number;
          maxPools?: number;
        };
      };
    };
    /** The clusters runner VMs run on: one primary, optionally one burst cluster. */
    clusters?: Array<{
      /** Unique name, also used by the Kubernetes plugin. */
      name: string;
      /** `primary` (default) or `burst`. */
      role?: 'primary' | 'burst';
      /** API server URL. Not needed with `authProvider: inCluster`. */
      url?: string;
      /** `serviceAccount` (a bearer token), `kubeconfig` (a file) or `inCluster`. */
      authProvider: 'serviceAccount' | 'kubeconfig' | 'inCluster';
      /**
       * Bearer token for `serviceAccount`.
       * @visibility secret
       */
      serviceAccountToken?: string;
      /** Path of a kubeconfig file for `kubeconfig`. */
      kubeconfigPath?: string;
      /** Context in the kubeconfig file; default its current context. */
      kubeconfigContext?: string;
      /** PEM CA certificate of the API server, base64. */
      caData?: string;
      /** Path of the API server's CA certificate. */
      caFile?: string;
      /** Skip TLS verification. Never in production. */
      skipTLSVerify?: boolean;
      /**
       * Base URL of this backend as KEDA inside this cluster reaches it, e.g. a public ingress
       * for a burst cluster in a public cloud. The cluster's ScaledObjects poll
       * `<scalingUrl>/api/runners/scaling/pools/<pool id>` with the `scalingMetrics.token`, which
       * opens only the scaling-signal endpoint (read-only, one pool's job counts). Default
       * `scalingMetrics.baseUrl`.
       */
      scalingUrl?: string;
    }>;
    /** The GitLab instance runners register with. */
    gitlab?: {
      /** Base URL, e.g. https://gitlab.example.com (without /api/v4). */
      baseUrl: string;
      /**
       * Token of a user (or service account) with the `create_runner` and `manage_runner` scopes
       * that owns the groups/projects teams register runners in.
       * @visibility secret
       */
      token: string;
      /** Requests per minute Runner Fleet may send to GitLab at most. Default 300. */
      requestsPerMinute?: number;
      /** Longest total wait for GitLab rate limits (429 Retry-After) per call, seconds. Default 30. */
      maxRetryWaitSeconds?: number;
    };
    /** Defaults for pool autoscaling. */
    autoscaling?: {
      /** Share of job slots to keep busy, 0-1. Default 0.3. */
      targetUtilization?: number;
      /** How often KEDA polls the scaling metrics, seconds. Default 15. */
      pollingIntervalSeconds?: number;
      /** How long load must stay low before scaling down, seconds. Default 300. */
      scaleDownStabilizationSeconds?: number;
      /** Idle time before a pool scales to zero, seconds. Default 300. */
      cooldownSeconds?: number;
    };
    /** The endpoint KEDA's metrics-api trigger polls. */
    scalingMetrics?: {
      /** Backend URL as the clusters reach it; default backend.baseUrl. */
      baseUrl?: string;
      /**
       * Static bearer token KEDA presents; provisioned into each pool's TriggerAuthentication.
       * @visibility secret
       */
      token: string;
    };
    /**
     * Prices for showback (`GET /showback`). Without it showback reports usage and no cost.
     * Usage is priced per cluster, so burst capacity in a public cloud can cost more.
     */
    pricing?: {
      /** ISO 4217 currency code of every price, e.g. EUR. */
      currency: string;
      /** Price of one vCPU for one hour, in `currency`. */
      vcpuHour: number;
      /** Price of one GiB of memory for one hour, in `currency`. */
      gibHour: number;
      /** Overrides by cluster name (a name from `clusters`); unset fields use the defaults above. */
      clusters?: {
        [cluster: string]: {
          /** Price of one vCPU for one hour on this cluster. */
          vcpuHour?: number;
          /** Price of one GiB of memory for one hour on this cluster. */
          gibHour?: number;
        };
      };
    };
    /** Reconciler schedule. */
    reconciler?: {
      /** Seconds between full reconcile passes. Default 30. */
      intervalSeconds?: number;
    };
  };
}
