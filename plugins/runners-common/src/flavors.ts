import {
  AutoscalingSpec,
  CustomFlavorRequest,
  Flavor,
  RunnerOs,
} from './types';

/**
 * Bounds for custom flavors, from config. Shapes above the approval thresholds wait for the
 * platform team.
 *
 * @public
 */
export interface CustomFlavorPolicy {
  enabled: boolean;
  minCpu: number;
  maxCpu: number;
  minMemoryGiB: number;
  maxMemoryGiB: number;
  maxDiskGiB: number;
  /** Custom flavors with more vCPU than this need approval. */
  approvalAboveCpu: number;
  /** Custom flavors with more memory than this need approval. */
  approvalAboveMemoryGiB: number;
  /** Image used for custom flavors, per OS. */
  images: Record<RunnerOs, string>;
}

/** The standard flavors and the custom-flavor bounds. */
export interface FlavorCatalog {
  flavors: Flavor[];
  custom: CustomFlavorPolicy;
}

/** The reference shape for cost weights: m1.large, 4 vCPU and 6 GiB. */
const REFERENCE = { cpu: 4, memoryGiB: 6 };
/** Windows VMs cost more to run (licences, larger disks). */
const WINDOWS_COST_FACTOR = 1.5;

/** Default job slots for a shape: one job per 2 vCPU, at least 1. */
export function defaultJobSlots(cpu: number): number {
  return Math.max(1, Math.floor(cpu / 2));
}

/** Relative hourly cost of a shape, averaging its CPU and memory against m1.large. */
export function costWeightOf(shape: {
  os: RunnerOs;
  cpu: number;
  memoryGiB: number;
}): number {
  const base =
    (shape.cpu / REFERENCE.cpu + shape.memoryGiB / REFERENCE.memoryGiB) / 2;
  const weight = shape.os === 'windows' ? base * WINDOWS_COST_FACTOR : base;
  return Math.round(weight * 100) / 100;
}

/** The name a custom shape gets, e.g. `custom-linux-12c24g`. */
export function customFlavorName(request: CustomFlavorRequest): string {
  return `custom-${request.os}-${request.cpu}c${request.memoryGiB}g`;
}

/** Turns a custom request into a flavor with the configured image and derived slots and cost. */
export function toCustomFlavor(
  request: CustomFlavorRequest,
  policy: CustomFlavorPolicy,
): Flavor {
  return {
    name: customFlavorName(request),
    description: `Custom ${request.cpu} vCPU / ${request.memoryGiB} GiB / ${request.diskGiB} GiB`,
    os: request.os,
    cpu: request.cpu,
    memoryGiB: request.memoryGiB,
    diskGiB: request.diskGiB,
    image: policy.images[request.os],
    jobSlots: request.jobSlots ?? defaultJobSlots(request.cpu),
    costWeight: costWeightOf(request),
    custom: true,
  };
}

/** Whether a custom shape is above the thresholds that need a platform approver. */
export function customFlavorNeedsApproval(
  request: CustomFlavorRequest,
  policy: CustomFlavorPolicy,
): boolean {
  return (
    request.cpu > policy.approvalAboveCpu ||
    request.memoryGiB > policy.approvalAboveMemoryGiB
  );
}

/**
 * What a pool reserves against its team's quota: its maximum size on the primary cluster.
 * Burst capacity is the platform's overflow and is not charged to the team. `storageGiB` is the
 * clone storage (persistent volume claims) of a Windows pool at its maximum, one flavor-sized
 * clone of the golden image per VM; Linux VMs use node-local scratch disks, not claims.
 */
export function poolReservation(
  flavor: Pick<Flavor, 'cpu' | 'memoryGiB'> &
    Partial<Pick<Flavor, 'os' | 'diskGiB'>>,
  autoscaling: Pick<AutoscalingSpec, 'maxReplicas'>,
): { cpu: number; memoryGiB: number; storageGiB: number } {
  return {
    cpu: flavor.cpu * autoscaling.maxReplicas,
    memoryGiB: flavor.memoryGiB * autoscaling.maxReplicas,
    storageGiB:
      flavor.os === 'windows'
        ? (flavor.diskGiB ?? 0) * autoscaling.maxReplicas
        : 0,
  };
}

/**
 * The per-VM target for KEDA's `AverageValue` metric: keeping `targetUtilization` of the job
 * slots busy means `busy jobs / VMs = targetUtilization × jobSlots`, so
 * desired VMs = ceil(busy / threshold).
 */
export function scalingThreshold(
  flavor: Pick<Flavor, 'jobSlots'>,
  targetUtilization: number,
): number {
  return Math.round(targetUtilization * flavor.jobSlots * 1000) / 1000;
}

/** Hourly cost of `replicas` VMs of a flavor, in cost-weight units. */
export function hourlyCost(
  flavor: Pick<Flavor, 'costWeight'>,
  replicas: number,
): number {
  return flavor.costWeight * replicas;
}
