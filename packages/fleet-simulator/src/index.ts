/**
 * The Runner Fleet fleet simulator: plays KubeVirt, CDI, KEDA, gitlab-runner and CI job traffic
 * against the test control plane (`@runner-fleet/testenv`) and the GitLab emulator
 * (`@runner-fleet/gitlab-emulator`), so that the objects the product writes come alive.
 *
 * @packageDocumentation
 */

export { startFleetSimulator } from './startFleetSimulator';
export type {
  FleetSimulator,
  FleetSimulatorState,
} from './startFleetSimulator';
export type {
  DurationDistribution,
  FleetSimulatorOptions,
  SimulatorRoles,
  TrafficOptions,
  TrafficStream,
} from './options';
export { SimulationClock } from './clock';
export type { SimulationClockOptions } from './clock';
export { Random } from './random';
export type {
  SimulatorActor,
  SimulatorEvent,
  SimulatorEventListener,
} from './events';
export type { RunnerState, RunnerStatus } from './runner/gitlabRunner';
export { RUNNER_ANNOTATION } from './runner';
export {
  jobDemand,
  renderVirtHandlerMetrics,
  vmiLabelName,
  VmUsage,
} from './metrics/virtHandler';
export type { JobDemand } from './metrics/virtHandler';
export type { ScalerState } from './keda/types';
export type { TrafficState } from './traffic';
export {
  computeHpa,
  DEFAULT_SCALE_DOWN,
  DEFAULT_SCALE_UP,
  EMPTY_HPA_STATE,
  recordScaleEvent,
  replicasForMetric,
  resolveBehavior,
  scaleDownLimit,
  scaleUpLimit,
} from './keda/hpa';
export type {
  HpaBehavior,
  HpaDecision,
  HpaInput,
  HpaState,
  MetricSample,
  ScalingPolicy,
  ScalingRules,
} from './keda/hpa';
export { decideActivation } from './keda/activation';
export type {
  ActivationDecision,
  ActivationInput,
  KedaCondition,
} from './keda/activation';
export {
  DEFAULT_HOURLY_WEIGHTS,
  jobsPerSecond,
  resolveTraffic,
} from './traffic/profile';
export type { TrafficProfile } from './traffic/profile';
export { linuxGuest, windowsGuest } from './runner/guest';
export type { GuestBoot, GuestShutdown } from './runner/guest';
export {
  generateUniqueSystemId,
  runnerSystemId,
  SYSTEM_ID_PATTERN,
} from './runner/systemId';
