/** Options of {@link SimulationClock}. @public */
export interface SimulationClockOptions {
  /**
   * Simulated seconds per real second; default 1. With 1000 a 45 s VM boot takes 45 ms, a 15 s
   * HPA sync period 15 ms.
   */
  timeScale?: number;
  /** Simulated time at the moment the clock is created; default the real time. */
  start?: Date;
  /**
   * Shortest real wait of a repeating loop (job polling, KEDA polling), in ms; default 20. Keeps a
   * high time scale from turning a 3 s poll into a busy loop against the API server or GitLab.
   */
  minLoopDelayMs?: number;
}

/**
 * Simulated time: runs `timeScale` times faster than real time from a chosen start. Every actor
 * of the simulator waits and stamps times through one clock, so a test can run a day of traffic
 * or a 300 s stabilisation window in moments. Share it with the GitLab emulator
 * (`startGitLabEmulator({ clock: () => clock.now() })`) so that job durations and
 * `contacted_at` move at the same speed.
 *
 * Timers created here are cancelled together by {@link SimulationClock.cancelAll}.
 *
 * @public
 */
export class SimulationClock {
  readonly timeScale: number;
  readonly minLoopDelayMs: number;
  readonly #startSim: number;
  readonly #startReal: number;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(options: SimulationClockOptions = {}) {
    const timeScale = options.timeScale ?? 1;
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
      throw new Error(`timeScale must be a positive number, got ${timeScale}`);
    }
    this.timeScale = timeScale;
    this.minLoopDelayMs = options.minLoopDelayMs ?? 20;
    this.#startReal = Date.now();
    this.#startSim = options.start?.getTime() ?? this.#startReal;
  }

  /** The simulated time. */
  now(): Date {
    return new Date(this.nowMs());
  }

  /** The simulated time in ms since the epoch. */
  nowMs(): number {
    return this.#startSim + (Date.now() - this.#startReal) * this.timeScale;
  }

  /** The simulated time as an RFC 3339 string without fractions, as Kubernetes writes it. */
  kubeTime(): string {
    return `${this.now().toISOString().slice(0, 19)}Z`;
  }

  /** Real milliseconds that `simMs` simulated milliseconds take. */
  realMs(simMs: number): number {
    return Math.max(0, simMs / this.timeScale);
  }

  /**
   * Runs `fn` after `simMs` simulated ms (at least `minRealMs` real ms). Returns a function that
   * cancels it.
   */
  after(simMs: number, fn: () => void, minRealMs = 0): () => void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, Math.max(minRealMs, this.realMs(simMs)));
    this.#timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.#timers.delete(timer);
    };
  }

  /** Resolves after `simMs` simulated ms, or at once when `signal` aborts. */
  sleep(simMs: number, signal?: AbortSignal, minRealMs = 0): Promise<void> {
    return new Promise(resolve => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      let cancel = () => {};
      const onAbort = () => {
        cancel();
        resolve();
      };
      cancel = this.after(
        simMs,
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        minRealMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The wait of one turn of a repeating loop: `simMs`, but never shorter than `minLoopDelayMs`. */
  loopDelay(simMs: number, signal?: AbortSignal): Promise<void> {
    return this.sleep(simMs, signal, this.minLoopDelayMs);
  }

  /** Cancels every pending timer. */
  cancelAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
