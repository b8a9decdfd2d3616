import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { FlavorCatalog } from '@runner-fleet/plugin-runners-common';
import {
  AdmittedPool,
  FleetRolloutRecord,
  FleetRolloutStore,
  FleetRolloutWrite,
} from '../database/FleetRolloutStore';
import { PoolStore } from '../database/PoolStore';
import { RolloutStore } from '../database/RolloutStore';
import { describeGoldenImage } from '../provisioning/goldenImagePin';
import { GoldenImageSource } from '../provisioning/render';
import { abortRollout } from '../provisioning/rollout/abortRollout';
import { fleetPools, poolsToRoll } from './fleetPools';
import { FleetRolloutView, viewFleetRollout } from './fleetRolloutView';
import { planFleetRollout } from './planFleetRollout';
import { writePoolFlavor } from './writePoolFlavor';

/** What a fleet rollout is started with. */
export interface FleetRolloutInput {
  flavor: string;
  canaryPools?: number;
  maxVmPercent?: number;
}

interface Deps {
  store: PoolStore;
  rollouts: RolloutStore;
  fleetRollouts: FleetRolloutStore;
  catalog: FlavorCatalog;
  vmCount: (poolId: string) => number | undefined;
  goldenImageOf: (image: string) => Promise<GoldenImageSource | undefined>;
  onChange: (poolId: string) => void;
  logger: LoggerService;
  clock: () => Date;
}

/** The pin an abort gives an admitted pool back; undefined when the rollout moved no pins. */
const previousPin = (record: FleetRolloutRecord, admitted: AdmittedPool) =>
  record.targetGoldenImage ? admitted.previousGoldenImage ?? null : undefined;

const OPEN = (r: FleetRolloutRecord) =>
  r.phase !== 'complete' && r.phase !== 'aborted';

/**
 * Fleet rollouts: the catalog's current definition of a flavor taken by every live pool of that
 * flavor, in the order {@link planFleetRollout} decides. Admitting a pool is a pool change like
 * any other (its flavor written, its generation bumped, a reconcile queued); the pool's own
 * rollout replaces its VMs. Every write of a fleet rollout is conditional on the version read,
 * so replicas and API requests never both advance one from the same read.
 */
export class FleetRollouts {
  readonly #deps: Deps;

  static create(options: {
    store: PoolStore;
    rollouts: RolloutStore;
    fleetRollouts: FleetRolloutStore;
    catalog: FlavorCatalog;
    /** VMs a pool runs now (from the fleet cache); undefined when not known. */
    vmCount?: (poolId: string) => number | undefined;
    /**
     * The version a Windows flavor's golden image DataSource names now (on the primary
     * cluster); undefined when unknown. A Windows flavor's rollout moves the pools' pins to it.
     */
    goldenImageOf?: (image: string) => Promise<GoldenImageSource | undefined>;
    onChange?: (poolId: string) => void;
    logger: LoggerService;
    clock?: () => Date;
  }): FleetRollouts {
    return new FleetRollouts({
      ...options,
      vmCount: options.vmCount ?? (() => undefined),
      goldenImageOf: options.goldenImageOf ?? (async () => undefined),
      onChange: options.onChange ?? (() => {}),
      clock: options.clock ?? (() => new Date()),
    });
  }

  private constructor(deps: Deps) {
    this.#deps = deps;
  }

  /** Starts rolling the catalog's definition of `input.flavor` out; admits the canaries now. */
  async start(
    input: FleetRolloutInput,
    actor: string,
  ): Promise<FleetRolloutView> {
    const { catalog, fleetRollouts, store } = this.#deps;
    const target = catalog.flavors.find(f => f.name === input.flavor);
    if (!target) {
      throw new InputError(
        `flavor: '${
          input.flavor
        }' is not in the catalog; known flavors: ${catalog.flavors
          .map(f => f.name)
          .join(', ')}`,
      );
    }
    const canaryPools = input.canaryPools ?? 1;
    const maxVmPercent = input.maxVmPercent ?? 25;
    if (!Number.isInteger(canaryPools) || canaryPools < 0) {
      throw new InputError(
        `canaryPools: ${canaryPools} is not a whole number of pools; use 0 or more (default 1)`,
      );
    }
    if (!(maxVmPercent > 0 && maxVmPercent <= 100)) {
      throw new InputError(
        `maxVmPercent: ${maxVmPercent} is not a share of VMs; use more than 0 and at most 100 (default 25)`,
      );
    }
    const open = (await fleetRollouts.list({ open: true })).find(
      r => r.flavor === target.name,
    );
    if (open) {
      throw new ConflictError(
        `flavor '${target.name}' is already being rolled out (rollout ${open.id}, ${open.phase}); abort it or wait until it completes`,
      );
    }
    const goldenImage =
      target.os === 'windows'
        ? await this.#deps.goldenImageOf(target.image)
        : undefined;
    const version = goldenImage
      ? ` at golden image version ${describeGoldenImage(goldenImage)}`
      : '';
    const pools = await poolsToRoll(store, target.name, target, goldenImage);
    if (pools.length === 0) {
      throw new ConflictError(
        `nothing to roll: every live pool of flavor '${target.name}' already runs its catalog definition (image ${target.image}${version})`,
      );
    }
    const created = await fleetRollouts.create({
      flavor: target.name,
      target,
      targetGoldenImage: goldenImage,
      phase: 'canary',
      canaryPools,
      maxVmPercent,
      admitted: [],
      reason: 'Started',
      message: `started: ${pools.length} pools of flavor ${target.name} to take image ${target.image}${version}`,
      createdBy: actor,
    });
    return this.#view(await this.advance(created));
  }

  async list(): Promise<FleetRolloutView[]> {
    const records = await this.#deps.fleetRollouts.list();
    return Promise.all(records.map(r => this.#view(r)));
  }

  async get(id: string): Promise<FleetRolloutView> {
    return this.#view(await this.#get(id));
  }

  /** Stops admitting pools; admitted ones finish their own rollouts. */
  async pause(id: string): Promise<FleetRolloutView> {
    const record = await this.#get(id);
    if (!OPEN(record) || record.phase === 'paused') {
      throw new ConflictError(
        `fleet rollout ${id} is ${record.phase}; only a running rollout can be paused`,
      );
    }
    return this.#write(record, {
      phase: 'paused',
      resumePhase:
        record.phase === 'canary' ? 'canary' : record.resumePhase ?? 'rolling',
      reason: 'Paused',
      message: 'paused: no pool is admitted until resumed',
    });
  }

  /** Admits pools again (after a pause, or a halt whose pool was fixed). */
  async resume(id: string): Promise<FleetRolloutView> {
    const record = await this.#get(id);
    if (record.phase !== 'paused' && record.phase !== 'halted') {
      throw new ConflictError(
        `fleet rollout ${id} is ${record.phase}; only a paused or halted rollout can be resumed`,
      );
    }
    const resumed = await this.#write(record, {
      phase: record.resumePhase ?? 'rolling',
      resumePhase: undefined,
    });
    return this.#view(await this.advance(resumed.rollout));
  }

  /**
   * Stops admitting, and returns every admitted pool that has not finished to its previous
   * flavor: an open per-pool rollout is aborted (its VMs go back to the old template), a pool
   * not reconciled yet gets its old flavor written back. Finished pools keep the new definition.
   */
  async abort(id: string, actor: string): Promise<FleetRolloutView> {
    const record = await this.#get(id);
    if (!OPEN(record)) {
      throw new ConflictError(
        `fleet rollout ${id} is ${record.phase} already; there is nothing to abort`,
      );
    }
    const aborted = await this.#write(record, {
      phase: 'aborted',
      resumePhase: undefined,
      reason: 'Aborted',
      message: `aborted by ${actor}: admitted pools return to their previous flavor`,
      finishedAt: this.#deps.clock().toISOString(),
    });
    const entries = await fleetPools(this.#deps, record);
    const problems: string[] = [];
    for (const entry of entries) {
      const admitted = record.admitted.find(
        a => a.poolId === entry.view.poolId,
      );
      if (!admitted || !entry.pool || entry.view.gone) continue;
      const phase = entry.rollout?.phase;
      try {
        if (
          entry.view.observedGeneration >= admitted.generation &&
          (phase === 'rolling' || phase === 'halted')
        ) {
          await abortRollout(this.#deps, entry.pool.id, actor, {
            goldenImage: previousPin(record, admitted),
          });
          this.#deps.onChange(entry.pool.id);
        } else if (entry.view.observedGeneration < admitted.generation) {
          await writePoolFlavor(this.#deps, {
            poolId: entry.pool.id,
            team: entry.pool.team,
            flavor: admitted.previousFlavor,
            goldenImage: previousPin(record, admitted),
            why: `fleet rollout aborted by ${actor}`,
            actor,
          });
        }
      } catch (error) {
        problems.push(`${entry.pool.team}/${entry.pool.name}: ${error}`);
      }
    }
    if (problems.length > 0) {
      this.#deps.logger.warn(
        `fleet rollout ${id}: abort left pools as they are: ${problems.join(
          '; ',
        )}`,
      );
    }
    return aborted;
  }

  /** Advances every open fleet rollout one step (the scheduled task). */
  async advanceAll(): Promise<void> {
    for (const record of await this.#deps.fleetRollouts.list({ open: true })) {
      try {
        await this.advance(record);
      } catch (error) {
        this.#deps.logger.warn(
          `fleet rollout ${record.id}: could not advance`,
          error as Error,
        );
      }
    }
  }

  /**
   * One step: plans, records the pools to admit (conditional on the version read, so only one
   * writer admits them), then admits them. Returns the record as written, or as found when
   * another writer came first.
   */
  async advance(record: FleetRolloutRecord): Promise<FleetRolloutRecord> {
    if (!OPEN(record)) return record;
    const entries = await fleetPools(this.#deps, record);
    const plan = planFleetRollout({
      phase: record.phase,
      canaryPools: record.canaryPools,
      maxVmPercent: record.maxVmPercent,
      pools: entries.map(e => e.view),
    });
    const now = this.#deps.clock().toISOString();
    const admitted: AdmittedPool[] = plan.admit.map(poolId => {
      const pool = entries.find(e => e.view.poolId === poolId)!.pool!;
      return {
        poolId,
        previousFlavor: pool.flavor,
        previousGoldenImage: pool.goldenImage,
        generation: pool.generation + 1,
        canary: plan.phase === 'canary',
        admittedAt: now,
      };
    });
    const unchanged =
      admitted.length === 0 &&
      plan.phase === record.phase &&
      plan.message === record.message;
    if (unchanged) return record;
    const written = await this.#deps.fleetRollouts.update(
      record.id,
      record.version,
      {
        ...this.#fields(record),
        phase: plan.phase,
        resumePhase:
          plan.phase === 'halted'
            ? record.resumePhase ??
              (record.phase === 'canary' ? 'canary' : 'rolling')
            : undefined,
        reason: plan.reason,
        message: plan.message,
        admitted: [...record.admitted, ...admitted],
        finishedAt: plan.phase === 'complete' ? now : undefined,
      },
    );
    if (!written) {
      return (await this.#deps.fleetRollouts.get(record.id)) ?? record;
    }
    const failed: string[] = [];
    for (const admit of admitted) {
      const pool = entries.find(e => e.view.poolId === admit.poolId)!.pool!;
      try {
        await writePoolFlavor(this.#deps, {
          poolId: pool.id,
          team: pool.team,
          flavor: record.target,
          goldenImage: record.targetGoldenImage,
          why: `fleet rollout ${record.id}`,
          actor: record.createdBy,
        });
      } catch (error) {
        this.#deps.logger.warn(
          `fleet rollout ${record.id}: could not admit pool ${pool.team}/${pool.name}; it waits for the next step`,
          error as Error,
        );
        failed.push(pool.id);
      }
    }
    if (failed.length === 0) return written;
    // Not admitted after all: the pool waits again, and the next step decides anew.
    const retracted = await this.#deps.fleetRollouts.update(
      written.id,
      written.version,
      {
        ...this.#fields(written),
        admitted: written.admitted.filter(a => !failed.includes(a.poolId)),
      },
    );
    return retracted ?? written;
  }

  async #get(id: string): Promise<FleetRolloutRecord> {
    const record = await this.#deps.fleetRollouts.get(id);
    if (!record)
      throw new NotFoundError(`fleet rollout '${id}' does not exist`);
    return record;
  }

  #fields(record: FleetRolloutRecord): FleetRolloutWrite {
    const { id, version, createdAt, updatedAt, ...fields } = record;
    return fields;
  }

  async #write(
    record: FleetRolloutRecord,
    change: Partial<FleetRolloutWrite>,
  ): Promise<FleetRolloutView> {
    const written = await this.#deps.fleetRollouts.update(
      record.id,
      record.version,
      { ...this.#fields(record), ...change },
    );
    if (!written) {
      throw new ConflictError(
        `fleet rollout ${record.id} changed meanwhile; look at it again and retry`,
      );
    }
    return this.#view(written);
  }

  #view(record: FleetRolloutRecord): Promise<FleetRolloutView> {
    return viewFleetRollout(this.#deps, record);
  }
}
