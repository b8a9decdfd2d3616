import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

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
    /**
     * Where runner VMs may connect to. Rendered as the NetworkPolicy `runner-fleet-runner-vms` of
     * each team namespace (every cluster): no ingress at all; egress to the cluster DNS, to the
     * destinations listed here, and to the internet; nothing else in the cluster (other teams,
     * the backend and its scaling endpoint, the API server). Needs a CNI that enforces
     * NetworkPolicies. Default: DNS and the internet only.
     */
    runnerNetwork?: {
      /**
       * GitLab, when runner VMs do not reach it through `internet` (in the cluster, or on a
       * private address): entries of `cidrs` (addresses outside the cluster) or `namespace` with
       * optional `podLabels` (pods inside it), and TCP `ports` (default [443]).
       */
      gitlab?: Array<{
        cidrs?: string[];
        namespace?: string;
        podLabels?: { [label: string]: string };
        ports?: number[];
      }>;
      /** Container registries and package mirrors the jobs use, as `gitlab`. */
      registry?: Array<{
        cidrs?: string[];
        namespace?: string;
        podLabels?: { [label: string]: string };
        ports?: number[];
      }>;
      /** Whether runner VMs may reach addresses outside `clusterCidrs` (any port). Default true. */
      internet?: boolean;
      /**
       * Ranges that are never "the internet": the pod, service and node networks (where the API
       * server and the backend are) and metadata endpoints. Default: 10.0.0.0/8, 172.16.0.0/12,
       * 192.168.0.0/16, 100.64.0.0/10, 169.254.0.0/16, fc00::/7, fe80::/10. Set it to your
       * cluster's ranges if GitLab or registries use public addresses inside them.
       */
      clusterCidrs?: string[];
      /** The cluster DNS. Default namespace kube-system, pods labelled k8s-app=kube-dns. */
      dns?: { namespace?: string; podLabels?: { [label: string]: string } };
    };
    /** Per-team limits. A pool reserves its maximum size against its team's quota. */
    quotas?: {
      /** Limits for teams without an override. Default 128 vCPU, 256 GiB, 10 pools. */
      default?: {
        maxCpu?: number;
        maxMemoryGiB?: number;
        maxPools?: number;
        /**
         * Clone storage (Windows VMs' disks: flavor disk × maxReplicas per Windows pool), GiB.
         * Also the team ResourceQuota's `requests.storage`. Default 2048.
         */
        maxStorageGiB?: number;
      };
      /** Overrides by team (catalog Group name). */
      teams?: {
        [team: string]: {
          maxCpu?: number;
          maxMemoryGiB?: number;
          maxPools?: number;
          maxStorageGiB?: number;
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
      /**
       * The GitLab budget: requests per minute this backend replica sends at most, counted as
       * they are made (a group's pending jobs cost 1 + one per project) and shared by the CI
       * poller, the reconciler and the ghost sweeper through one token bucket. The poller plans
       * each round within 80% of it, so provisioning and sweeping always find room. Default 1000:
       * half of GitLab's default authenticated API limit of 2,000 requests per minute per user
       * (GitLab.com), leaving the rest to other users of the same account. Self-managed GitLab
       * has user rate limits off by default; an administrator who turns them on with GitLab's
       * defaults (7,200 per hour) needs 120 or less here. With several backend replicas, divide
       * by the number of replicas.
       */
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
    /** How long the plugin database keeps what no longer matters. Pruned hourly. */
    retention?: {
      /** Pool events (state changes) older than this many days are deleted. Default 90. */
      eventDays?: number;
      /** At most this many events per pool are kept, the newest. Default 500. */
      eventsPerPool?: number;
      /**
       * Deleted pools stay listed (with `includeDeleted`) and audited this many days, then their
       * rows, events and requests are deleted. Default 30.
       */
      deletedPoolDays?: number;
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
    /**
     * Where CPU and memory use of the runner VMs comes from, for flavor advice. Without it the
     * advice says nothing about flavors and the Capacity page says why.
     */
    usage?: {
      /**
       * A Prometheus that scrapes KubeVirt's virt-handler (`kubevirt_vmi_cpu_usage_seconds_total`,
       * `kubevirt_vmi_memory_available_bytes`, `kubevirt_vmi_memory_usable_bytes`,
       * `kubevirt_vmi_memory_domain_bytes`, with the VMI labels `runner-fleet.io/pool` and
       * `runner-fleet.io/flavor`). The hourly `usageCollect` task reads it.
       */
      prometheus?: {
        /** Base URL of its HTTP API, e.g. `http://prometheus.monitoring:9090`. */
        url: string;
        /** Seconds between the samples of a range query. Default 60. */
        stepSeconds?: number;
        /** Window of `rate()` over the CPU-time counter, seconds; at least two scrapes. Default 120. */
        rateWindowSeconds?: number;
      };
    };
    /**
     * Schedules of the plugin's background tasks, each read with Backstage's schedule reader
     * (`frequency` and `timeout` required, e.g. `{ frequency: { seconds: 30 }, timeout:
     * { minutes: 1 } }`). Scopes are fixed: refresh runs on every replica, the rest on one.
     * Defaults: refresh 15 s (a duration, not cron: it is the CI poller's round), historySample
     * 30 s, historyPrune and storePrune hourly, ghostSweeper 60 s, fleetRollouts 30 s (advances
     * open fleet rollouts: admits the next pools of a flavor), usageCollect hourly (reads
     * `usage.prometheus` when set).
     */
    schedules?: {
      refresh?: SchedulerServiceTaskScheduleDefinitionConfig;
      historySample?: SchedulerServiceTaskScheduleDefinitionConfig;
      historyPrune?: SchedulerServiceTaskScheduleDefinitionConfig;
      storePrune?: SchedulerServiceTaskScheduleDefinitionConfig;
      ghostSweeper?: SchedulerServiceTaskScheduleDefinitionConfig;
      fleetRollouts?: SchedulerServiceTaskScheduleDefinitionConfig;
      usageCollect?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /** Reconciler schedule. */
    reconciler?: {
      /** Seconds between full reconcile passes. Default 30. */
      intervalSeconds?: number;
      /** Passes one backend replica runs at once, across pools. Default 4. */
      concurrency?: number;
      /**
       * Seconds a replica holds a pool it is reconciling without renewing its claim (renewed
       * every third of it); a crashed replica's pools are taken over after this. Default 60.
       */
      leaseSeconds?: number;
    };
  };
}
