/**
 * The emulator's notion of "now". Runner and manager status (online, offline,
 * stale) depend on how long ago a runner called in, so tests move this clock
 * instead of waiting hours.
 *
 * @public
 */
export class EmulatorClock {
  readonly #base: () => Date;
  #offsetMs = 0;
  #frozenAt: number | undefined;

  constructor(base: () => Date = () => new Date()) {
    this.#base = base;
  }

  /** The current emulated time. */
  now(): Date {
    if (this.#frozenAt !== undefined) {
      return new Date(this.#frozenAt);
    }
    return new Date(this.#base().getTime() + this.#offsetMs);
  }

  /** The current emulated time as an ISO 8601 string with milliseconds. */
  iso(): string {
    return this.now().toISOString();
  }

  /** Moves the clock forward (or backward, for a negative value). */
  advance(ms: number): Date {
    if (this.#frozenAt !== undefined) {
      this.#frozenAt += ms;
    } else {
      this.#offsetMs += ms;
    }
    return this.now();
  }

  /**
   * Jumps to a point in time. With `freeze`, time stands still there until
   * the next `set`, `advance` moves it, or `reset` is called.
   */
  set(at: Date, options: { freeze?: boolean } = {}): Date {
    if (options.freeze) {
      this.#frozenAt = at.getTime();
    } else {
      this.#frozenAt = undefined;
      this.#offsetMs = at.getTime() - this.#base().getTime();
    }
    return this.now();
  }

  /** Back to the base clock: no offset, not frozen. */
  reset(): void {
    this.#offsetMs = 0;
    this.#frozenAt = undefined;
  }

  /** Whether `set(..., { freeze: true })` is in effect. */
  get frozen(): boolean {
    return this.#frozenAt !== undefined;
  }
}
