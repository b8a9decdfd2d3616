import { KubeConfig } from '@kubernetes/client-node';
import { SimulationClock } from './clock';

/** A duration drawn from a normal distribution (clamped to at least a third of the mean). @public */
export interface DurationDistribution {
  meanSeconds: number;
  /** Default: a fifth of the mean. */
  stddevSeconds?: number;
}

/** One stream of CI jobs: a project and the tags its jobs ask for. @public */
export interface TrafficStream {
  /** Project id or full path in the emulator, e.g. `engineering/payments/payment-gateway`. */
  project: number | string;
  /** Job tags; a runner takes a job only when it has all of them. */
  tags: string[];
  /** Share of the traffic relative to the other streams; default 1. */
  weight?: number;
}

/** Options of the job traffic. @public */
export interface TrafficOptions {
  /**
   * The company-wide monthly job count the profile is shaped from; default 3,000,000 (the field
   * report behind Runner Fleet).
   */
  jobsPerMonth?: number;
  /**
   * The part of that traffic the simulated projects carry; default 0.01 (30,000 jobs a month,
   * about 1,300 on a weekday, a handful of busy VMs at the peak).
   */
  share?: number;
  /** Job streams; default one per project of the emulator's seed (Windows tags for Windows apps). */
  streams?: TrafficStream[];
  /** Relative job arrivals per hour of a weekday, 24 values; default peaks 10:00-16:00. */
  hourlyWeights?: number[];
  /** Weekend traffic relative to a weekday; default 0.15. */
  weekendFactor?: number;
  /** Hours added to UTC for the daily profile; default 1 (CET). */
  utcOffsetHours?: number;
  /** Simulated seconds between enqueue rounds; default 60. */
  tickSeconds?: number;
  /** Job durations: log-normal with this median and log-space sigma; default 360 s, 0.8. */
  jobDuration?: { medianSeconds: number; sigma?: number };
  /** Stop enqueuing while this many jobs are pending (nobody runs them); default 1000. */
  maxPendingJobs?: number;
}

/** Which roles the simulator plays; all default to true. @public */
export interface SimulatorRoles {
  kubevirt?: boolean;
  cdi?: boolean;
  /**
   * Play KEDA and the HPA (default). `false` leaves scaling to the real KEDA operator, metrics
   * server and kube-controller-manager (`@runner-fleet/testenv` `startControllers`); they run on
   * wall-clock time, so `timeScale` must then be 1. The simulator still plays KubeVirt, which
   * writes the `status.labelSelector` the real HPA needs for `/scale`.
   */
  keda?: boolean;
  runner?: boolean;
}

/** Options of {@link startFleetSimulator}. @public */
export interface FleetSimulatorOptions {
  /** Client configuration for the control plane (e.g. testenv's `fleet-simulator` identity). */
  kubeConfig: KubeConfig;
  /** The GitLab emulator's base URL and an administrator token for its control surface. */
  gitlab: { url: string; adminToken: string };
  /** Simulated seconds per real second; default 1. Ignored when `clock` is given. */
  timeScale?: number;
  /** A clock to share with the emulator (see {@link SimulationClock}); default a new one. */
  clock?: SimulationClock;
  /** Seed of every random draw; default 1. Same seed, same boot times, names and durations. */
  seed?: number | string;
  /**
   * VM boot time (VMI created to Running): a mean in seconds for both OSes, or per OS. Default
   * Linux 45 s (sd 9 s), Windows 120 s (sd 24 s): a fifth of the mean.
   */
  bootTime?:
    | number
    | { linux?: DurationDistribution; windows?: DurationDistribution };
  /** Probability that a VMI fails while booting (phase Failed); default 0.02. */
  failureRate?: number;
  /**
   * containerDisk images that do not exist in any registry (a typo in a new runner image): the
   * virt-launcher pod of such a VMI sits in ErrImagePull/ImagePullBackOff, so the VMI stays in
   * Scheduling and never boots. Default none.
   */
  unpullableImages?: string[];
  /** Probability that a job ends `failed` (script_failure); default 0.05. */
  jobFailureRate?: number;
  /** Host-assisted clone speed of CDI, MiB per simulated second; default 200. */
  cloneThroughputMiBps?: number;
  /** HPA controller settings; default sync every 15 s, tolerance 0.1 (kube-controller-manager). */
  hpa?: { syncPeriodSeconds?: number; tolerance?: number };
  /**
   * Serve virt-handler's `/metrics` (KubeVirt metric names and labels, values driven by the jobs
   * on each VM) on this 127.0.0.1 port, 0 for any free one; default off.
   */
  metricsPort?: number;
  /** Job traffic into the emulator; default false (off). */
  traffic?: false | TrafficOptions;
  /**
   * Namespaces to act in; default all. Tests running side by side scope each simulator to its
   * own namespaces (plus e.g. the golden-image namespace) so that two never act on one object.
   */
  namespaces?: string[];
  /** Roles to play; default all. */
  roles?: SimulatorRoles;
  /** Receives one line per action and error. */
  logger?: (line: string) => void;
}
