import {
  DurationDistribution,
  FleetSimulatorOptions,
  SimulatorRoles,
} from './options';

/** Options with every default filled in. */
export interface Settings {
  gitlab: { url: string; adminToken: string };
  bootTime: {
    linux: Required<DurationDistribution>;
    windows: Required<DurationDistribution>;
  };
  failureRate: number;
  /** containerDisk images no node can pull: their VMIs never leave Scheduling. */
  unpullableImages: ReadonlySet<string>;
  jobFailureRate: number;
  /** Used when a job carries no duration hint. */
  jobDuration: { medianSeconds: number; sigma: number };
  cloneThroughputMiBps: number;
  hpa: { syncPeriodSeconds: number; tolerance: number };
  roles: Required<SimulatorRoles>;
}

function distribution(
  given: DurationDistribution | undefined,
  fallback: number,
): Required<DurationDistribution> {
  const meanSeconds = given?.meanSeconds ?? fallback;
  return {
    meanSeconds,
    stddevSeconds: given?.stddevSeconds ?? meanSeconds / 5,
  };
}

function probability(
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  const p = value ?? fallback;
  if (!(p >= 0 && p <= 1)) {
    throw new Error(`${name} must be between 0 and 1, got ${value}`);
  }
  return p;
}

/** Validates options and fills in defaults. */
export function resolveSettings(options: FleetSimulatorOptions): Settings {
  const boot = options.bootTime;
  const bootTime =
    typeof boot === 'number'
      ? {
          linux: distribution({ meanSeconds: boot }, 45),
          windows: distribution({ meanSeconds: boot }, 120),
        }
      : {
          linux: distribution(boot?.linux, 45),
          windows: distribution(boot?.windows, 120),
        };
  const throughput = options.cloneThroughputMiBps ?? 200;
  if (!(throughput > 0)) {
    throw new Error(`cloneThroughputMiBps must be positive, got ${throughput}`);
  }
  return {
    gitlab: {
      url: options.gitlab.url.replace(/\/+$/, ''),
      adminToken: options.gitlab.adminToken,
    },
    bootTime,
    failureRate: probability('failureRate', options.failureRate, 0.02),
    unpullableImages: new Set(options.unpullableImages ?? []),
    jobFailureRate: probability('jobFailureRate', options.jobFailureRate, 0.05),
    jobDuration: {
      medianSeconds:
        (options.traffic && options.traffic.jobDuration?.medianSeconds) || 360,
      sigma: (options.traffic && options.traffic.jobDuration?.sigma) || 0.8,
    },
    cloneThroughputMiBps: throughput,
    hpa: {
      syncPeriodSeconds: options.hpa?.syncPeriodSeconds ?? 15,
      tolerance: options.hpa?.tolerance ?? 0.1,
    },
    roles: {
      kubevirt: options.roles?.kubevirt ?? true,
      cdi: options.roles?.cdi ?? true,
      keda: options.roles?.keda ?? true,
      runner: options.roles?.runner ?? true,
    },
  };
}
