import {
  PoolPatch,
  PoolRecord,
  PoolStore,
  PoolTransition,
} from '../database/PoolStore';

/**
 * The pool changed after a pass read it (a user's change, approval or delete, or another
 * writer). The pass stops without writing and runs again on what is stored now, so an intent is
 * never overwritten by a pass that started before it.
 */
export class PoolChangedError extends Error {
  constructor(poolId: string) {
    super(`pool ${poolId} changed during the pass; it runs again`);
    this.name = 'PoolChangedError';
  }
}

/**
 * The pool one pass works on. Every write is conditional on the version the pass read last;
 * a write that loses the race throws {@link PoolChangedError}.
 */
export class PassPool {
  readonly #store: PoolStore;
  #record: PoolRecord;

  constructor(store: PoolStore, record: PoolRecord) {
    this.#store = store;
    this.#record = record;
  }

  get record(): PoolRecord {
    return this.#record;
  }

  async write(patch: PoolPatch, transition?: PoolTransition): Promise<void> {
    const next = await this.#store.updatePool(
      this.#record.id,
      this.#record.version,
      patch,
      transition,
    );
    if (!next) throw new PoolChangedError(this.#record.id);
    this.#record = next;
  }

  /** Records a state and reason unless the pool already says exactly that. */
  async transition(transition: PoolTransition, patch: PoolPatch = {}) {
    const unchanged =
      transition.state === this.#record.state &&
      transition.reason === this.#record.stateReason &&
      transition.code === this.#record.stateCode;
    if (unchanged && Object.keys(patch).length === 0) return;
    await this.write(patch, unchanged ? undefined : transition);
  }
}
