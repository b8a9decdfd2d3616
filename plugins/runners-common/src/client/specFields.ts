import type * as Spec from '../schema/openapi/generated/models';
import type {
  Advice,
  AdviceSources,
  ScalingSchedule,
  Showback,
  UsageFigures,
} from '../capacity';
import type { CustomFlavorPolicy, FlavorCatalog } from '../flavors';
import type {
  ClusterApiHealth,
  FleetSummary,
  PoolHealth,
  PoolHealthDetail,
  PoolScalingSignal,
  TeamHealth,
} from '../health';
import type {
  ApprovalRequest,
  AutoscalingSpec,
  CustomFlavorRequest,
  Flavor,
  GitLabRunnerSpec,
  Pool,
  PoolEvent,
  PoolRollout,
  FleetRollout,
  FleetRolloutInput,
  FleetRolloutPool,
  PoolSpec,
  QuotaUsage,
} from '../types';
import type { PoolReasonCode } from '../poolReasons';
import type { FieldError } from '../validation';
import type {
  PoolChange,
  PoolResource,
  PoolUpdate,
  PoolValidation,
} from './types';

/*
 * The public API types are written by hand (they name values the spec leaves as strings, and
 * document each field); the wire shapes are the models generated from openapi.yaml. These
 * type-level checks tie the two: every field a public type declares must be one the spec
 * declares, so a field dropped or renamed in the spec fails `yarn tsc` here instead of leaving
 * the portal reading `undefined`. Nothing here exists at runtime.
 */

/** The fields of `Public` that `Wire` (a generated model) does not declare. */
type Undeclared<Public, Wire> = Exclude<keyof Public, keyof Wire>;

/** Compiles only when its argument is `never`. */
type None<T extends never> = T;

/** @internal */
export type PublicFieldsAreInTheSpec = [
  None<Undeclared<Flavor, Spec.Flavor>>,
  None<Undeclared<FlavorCatalog, Spec.FlavorCatalog>>,
  // `images` is config the backend sends along but the spec does not declare (yet): the portal
  // does not read it.
  None<
    Undeclared<Omit<CustomFlavorPolicy, 'images'>, Spec.FlavorCatalogCustom>
  >,
  None<Undeclared<CustomFlavorRequest, Spec.CustomFlavorRequest>>,
  None<Undeclared<AutoscalingSpec, Spec.AutoscalingSpec>>,
  None<Undeclared<ScalingSchedule, Spec.ScalingSchedule>>,
  None<Undeclared<GitLabRunnerSpec, Spec.GitLabRunnerSpec>>,
  None<Undeclared<PoolSpec, Spec.PoolSpec>>,
  None<Undeclared<Pool, Spec.Pool>>,
  // `etag` comes from the ETag header, not from the body.
  None<Undeclared<Omit<PoolResource, 'etag'>, Spec.Pool>>,
  None<Undeclared<PoolChange, Spec.PoolChange>>,
  None<Undeclared<PoolUpdate, Spec.PoolUpdate>>,
  None<Undeclared<PoolValidation, Spec.PoolValidation>>,
  None<
    Undeclared<
      NonNullable<PoolValidation['reservation']>,
      Spec.PoolValidationReservation
    >
  >,
  None<Undeclared<FieldError, Spec.FieldError>>,
  None<Undeclared<ApprovalRequest, Spec.ApprovalRequest>>,
  None<Undeclared<QuotaUsage, Spec.QuotaUsage>>,
  None<Undeclared<PoolEvent, Spec.PoolEvent>>,
  None<Undeclared<PoolRollout, Spec.PoolRollout>>,
  None<Undeclared<FleetRollout, Spec.FleetRollout>>,
  None<Undeclared<FleetRolloutPool, Spec.FleetRolloutPool>>,
  None<Undeclared<FleetRolloutInput, Spec.FleetRolloutInput>>,
  None<Undeclared<PoolHealth, Spec.PoolHealth>>,
  None<Undeclared<PoolHealthDetail, Spec.PoolHealthDetail>>,
  None<Undeclared<ClusterApiHealth, Spec.ClusterApiHealth>>,
  None<Undeclared<TeamHealth, Spec.TeamHealth>>,
  None<Undeclared<FleetSummary, Spec.FleetSummary>>,
  None<Undeclared<PoolScalingSignal, Spec.PoolScalingSignal>>,
  None<Undeclared<UsageFigures, Spec.UsageFigures>>,
  None<Undeclared<Showback, Spec.Showback>>,
  None<Undeclared<Advice, Spec.Advice>>,
  None<Undeclared<AdviceSources, Spec.AdviceSources>>,
];

/**
 * Reason codes are listed twice, in `POOL_REASON_CODES` and in the spec's `PoolReasonCode` enum
 * (clients generated elsewhere read the spec): a code added to one and not the other fails here.
 *
 * @internal
 */
export type ReasonCodesMatchTheSpec = [
  None<Exclude<PoolReasonCode, Spec.PoolReasonCode>>,
  None<Exclude<Spec.PoolReasonCode, PoolReasonCode>>,
];
