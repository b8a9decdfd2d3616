import { InputError } from '@backstage/errors';
import {
  ApprovalReason,
  customFlavorNeedsApproval,
  Flavor,
  PoolSpec,
  poolReservation,
  toCustomFlavor,
  validatePoolSpec,
} from '@runner-fleet/plugin-runners-common';
import { RunnersConfig } from '../config';
import { normalizePoolSpec, PoolSpecInput } from './normalize';

/** A spec with what follows from it: its flavor, what it reserves, why it needs approval. */
export interface ResolvedSpec {
  spec: PoolSpec;
  flavor: Flavor;
  reservation: { cpu: number; memoryGiB: number };
  /** Empty when the spec needs no approval. */
  approvalReasons: ApprovalReason[];
}

/**
 * Pool specs: defaults, validation against the flavor catalog, and what a spec implies (flavor,
 * reservation, approval). Approval is a property of a spec, never of which fields a change
 * touched.
 */
export class PoolSpecs {
  readonly #config: RunnersConfig;

  constructor(config: RunnersConfig) {
    this.#config = config;
  }

  /** The flavor catalog specs are checked against. */
  catalog(): RunnersConfig['catalog'] {
    return this.#config.catalog;
  }

  normalize(input: PoolSpecInput): PoolSpec {
    return normalizePoolSpec(input, this.#config.autoscaling);
  }

  /** Throws an InputError naming every invalid field. */
  assertValid(spec: PoolSpec): void {
    const errors = validatePoolSpec(spec, this.#config.catalog);
    if (errors.length) {
      throw new InputError(
        errors.map(e => `${e.field}: ${e.message}`).join('; '),
      );
    }
  }

  resolve(spec: PoolSpec): ResolvedSpec {
    let flavor: Flavor;
    let approvalReasons: ApprovalReason[] = [];
    if (typeof spec.flavor === 'string') {
      const name = spec.flavor;
      const found = this.#config.catalog.flavors.find(f => f.name === name);
      if (!found) {
        throw new InputError(
          `flavor: '${name}' does not exist; available: ${this.#config.catalog.flavors
            .map(f => f.name)
            .join(', ')}`,
        );
      }
      flavor = found;
    } else {
      const custom = this.#config.catalog.custom;
      flavor = toCustomFlavor(spec.flavor, custom);
      if (customFlavorNeedsApproval(spec.flavor, custom)) {
        approvalReasons = ['custom-flavor'];
      }
    }
    return {
      spec,
      flavor,
      reservation: poolReservation(flavor, spec.autoscaling),
      approvalReasons,
    };
  }

  /**
   * Whether `next` is still covered by the approval `approved` got: the same machine shape and
   * no more VMs. A description, tag or lower maximum keeps the approval; anything that costs
   * more asks again.
   */
  coveredByApproval(next: PoolSpec, approved: PoolSpec): boolean {
    return (
      JSON.stringify(next.flavor) === JSON.stringify(approved.flavor) &&
      next.autoscaling.maxReplicas <= approved.autoscaling.maxReplicas &&
      (next.autoscaling.burst ? next.autoscaling.burstMaxReplicas ?? 0 : 0) <=
        (approved.autoscaling.burst
          ? approved.autoscaling.burstMaxReplicas ?? 0
          : 0)
    );
  }
}

/** "custom flavor (24 vCPU / 16 GiB)" or "flavor m1.large (4 vCPU / 6 GiB)". */
export function describeFlavor(flavor: Flavor): string {
  return `${flavor.custom ? 'custom flavor' : `flavor ${flavor.name}`} (${
    flavor.cpu
  } vCPU / ${flavor.memoryGiB} GiB)`;
}
