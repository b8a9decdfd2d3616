import { Flavor, PoolSpec, Quota } from '@runner-fleet/plugin-runners-common';

/** The role a cluster plays for a pool: its home, or overflow capacity. */
export type ClusterRole = 'primary' | 'burst';

/**
 * The `pool.kubevirt.io` version a cluster serves VirtualMachinePools in, preferred first.
 * KubeVirt 1.7 added v1beta1; 1.5 and 1.6 serve only v1alpha1.
 *
 * @public
 */
export type VmPoolVersion = 'v1beta1' | 'v1alpha1';

/**
 * How a Windows golden image boots. `bios` is KubeVirt's default (SeaBIOS). `efi` boots OVMF;
 * with `secureBoot` the VM also gets SMM (KubeVirt refuses secure boot without it), and `tpm`
 * adds an emulated TPM 2.0 (Windows 11 and Server 2025 images expect both).
 *
 * @public
 */
export type GuestFirmware =
  | { type: 'bios' }
  | { type: 'efi'; secureBoot: boolean; tpm: boolean };

/**
 * One version of a Windows golden image: the source its DataSource resolved to (CDI's
 * `spec.source.pvc` or `spec.source.snapshot`) when the pool pinned it. A pool clones its VMs'
 * disks from this source directly, so a DataSource that moves to a newer version changes
 * nothing for the pool until a rollout moves its pin.
 *
 * @public
 */
export interface GoldenImageSource {
  /** The DataSource it was resolved from, `<namespace>/<name>` (the flavor's `image`). */
  dataSource: string;
  kind: 'pvc' | 'snapshot';
  namespace: string;
  name: string;
}

/**
 * A destination runner VMs may reach: address ranges (outside the cluster) or the pods of a
 * namespace (inside it), on the given TCP ports.
 *
 * @public
 */
export interface NetworkPeer {
  /** IPv4/IPv6 CIDRs, e.g. GitLab's load balancer `203.0.113.10/32`. */
  cidrs?: string[];
  /** A namespace whose pods are the destination (when no `cidrs`). */
  namespace?: string;
  /** Only the namespace's pods with these labels. */
  podLabels?: Record<string, string>;
  ports: number[];
}

/**
 * Where runner VMs may connect to (`runners.runnerNetwork`); everything else in the cluster is
 * denied by the team namespace's NetworkPolicy.
 *
 * @public
 */
export interface RunnerNetwork {
  /** GitLab's addresses, when they are not reached through `internet` (in-cluster, private). */
  gitlab: NetworkPeer[];
  /** Container registries and package mirrors the jobs pull from, likewise. */
  registry: NetworkPeer[];
  /** Whether addresses outside `clusterCidrs` are reachable on any port. */
  internet: boolean;
  /** Ranges that are never "the internet": pod, service and node networks, metadata endpoints. */
  clusterCidrs: readonly string[];
  /** The cluster DNS runner VMs resolve names with (UDP and TCP 53). */
  dns: { namespace: string; podLabels: Record<string, string> };
}

/**
 * Everything the renderers need to produce the Kubernetes objects of one pool on one cluster.
 * Renderers read nothing else: same input, byte-identical output.
 *
 * @public
 */
export interface RenderInput {
  pool: {
    id: string;
    team: string;
    /** A DNS label of at most 40 characters; object names are derived from it. */
    name: string;
    spec: PoolSpec;
    /**
     * Bumped on every spec change. Not rendered: a change that does not alter any object (a new
     * description) must not cause a write.
     */
    generation: number;
  };
  /** The pool's resolved flavor. */
  flavor: Flavor;
  cluster: {
    name: string;
    role: ClusterRole;
    /** The VirtualMachinePool version the cluster serves (discovery). Default `v1beta1`. */
    vmPoolVersion?: VmPoolVersion;
  };
  /** Firmware of the flavor's golden image (Windows only). Default BIOS. */
  firmware?: GuestFirmware;
  /**
   * The golden image version a Windows pool is pinned to. Without it the VMs clone whatever the
   * flavor's DataSource points at when each VM's DataVolume is created (CDI resolves a
   * `sourceRef` per DataVolume).
   */
  goldenImage?: GoldenImageSource;
  /** The team's limits, rendered as the ResourceQuota of the team namespace. */
  teamQuota: Quota;
  /** GitLab base URL written into gitlab-runner's config.toml. */
  gitlab: { url: string };
  /** The pool's `glrt-` runner authentication token. Only ever rendered inside Secret data. */
  runnerToken: string;
  scaling: {
    /** The backend's scaling-metrics endpoint for this pool (KEDA `metrics-api` url). */
    metricsUrl: string;
    /** Static bearer token for that endpoint. Only ever rendered inside Secret data. */
    metricsToken: string;
    pollingIntervalSeconds: number;
    /** HPA scale-down stabilisation: governs 1..N; `cooldownSeconds` governs N to 0. */
    scaleDownStabilizationSeconds: number;
    cooldownSeconds: number;
  };
  /** Where runner VMs may connect to. Default {@link DEFAULT_RUNNER_NETWORK}. */
  network?: RunnerNetwork;
  options?: {
    /** Prefix of team namespaces. Default `runners-`. */
    namespacePrefix?: string;
  };
}

/**
 * A rendered Kubernetes object, ready for server-side apply.
 *
 * @public
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [k: string]: unknown;
}

/**
 * A kind the renderers produce, with what the reconciler needs for RBAC, watches and pruning.
 *
 * @public
 */
export interface RenderedKind {
  group: string;
  version: string;
  apiVersion: string;
  kind: string;
  /** Resource name for URLs and RBAC rules. */
  plural: string;
  namespaced: boolean;
  /**
   * `team`: shared by all pools of a team (Namespace, ResourceQuota); never pruned when one pool
   * goes, only when the team has no pool left on the cluster. `pool`: carries the pool label and
   * is pruned with the pool.
   */
  scope: 'team' | 'pool';
}

/**
 * The JSON body the backend's scaling-metrics endpoint returns for one pool. The ScaledObjects
 * read these fields through KEDA `metrics-api` `valueLocation` (GJSON paths), see
 * {@link SCALING_VALUE_LOCATIONS}.
 *
 * @public
 */
export interface PoolScalingMetrics {
  /** Jobs running on the primary cluster's runner managers of the pool. */
  busyJobSlots: number;
  /** Jobs waiting for the pool's runner. */
  pendingJobs: number;
  /** What the burst cluster should carry. */
  overflow: {
    /** Jobs running on burst runner managers (keeps busy burst VMs alive). */
    busyJobSlots: number;
    /** Pending jobs the primary cannot take because it is at its maximum. */
    pendingJobs: number;
  };
}

/**
 * GJSON paths into {@link PoolScalingMetrics}, one per ScaledObject trigger.
 *
 * @public
 */
export const SCALING_VALUE_LOCATIONS = {
  busyJobSlots: 'busyJobSlots',
  pendingJobs: 'pendingJobs',
  overflowBusyJobSlots: 'overflow.busyJobSlots',
  overflowPendingJobs: 'overflow.pendingJobs',
} as const;
