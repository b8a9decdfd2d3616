import { SimulationClock } from './clock';

/** Which role of the simulator acted. @public */
export type SimulatorActor =
  | 'kubevirt'
  | 'cdi'
  | 'keda'
  | 'runner'
  | 'traffic'
  | 'gc';

/** Something the simulator did or saw, for logs and test assertions. @public */
export interface SimulatorEvent {
  /** Simulated time, ISO 8601. */
  at: string;
  actor: SimulatorActor;
  /** A short machine-friendly name, e.g. `vmi-running`, `registration-failed`, `scaled`. */
  type: string;
  /** The object concerned, `<Kind> <namespace>/<name>`, when there is one. */
  object?: string;
  message: string;
  /** Event-specific values (replicas, job id, ...). */
  data?: Record<string, unknown>;
}

/** Receives each event as it is recorded. @public */
export type SimulatorEventListener = (event: SimulatorEvent) => void;

/**
 * Keeps the most recent events, tells listeners and writes one log line per event. Shared by all
 * actors.
 */
export class EventRecorder {
  readonly #clock: SimulationClock;
  readonly #log?: (line: string) => void;
  readonly #limit: number;
  readonly #events: SimulatorEvent[] = [];
  readonly #listeners = new Set<SimulatorEventListener>();

  constructor(options: {
    clock: SimulationClock;
    log?: (line: string) => void;
    limit?: number;
  }) {
    this.#clock = options.clock;
    this.#log = options.log;
    this.#limit = options.limit ?? 5000;
  }

  record(
    actor: SimulatorActor,
    type: string,
    message: string,
    extra: { object?: string; data?: Record<string, unknown> } = {},
  ): SimulatorEvent {
    const event: SimulatorEvent = {
      at: this.#clock.now().toISOString(),
      actor,
      type,
      message,
      ...extra,
    };
    this.#events.push(event);
    if (this.#events.length > this.#limit) {
      this.#events.splice(0, this.#events.length - this.#limit);
    }
    this.#log?.(
      `${event.at} [${actor}] ${
        extra.object ? `${extra.object}: ` : ''
      }${message}`,
    );
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  /** Logs a line that is not an event (errors and retries). */
  log(actor: SimulatorActor, message: string): void {
    this.#log?.(`${this.#clock.now().toISOString()} [${actor}] ${message}`);
  }

  list(): SimulatorEvent[] {
    return [...this.#events];
  }

  subscribe(listener: SimulatorEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** `<Kind> <namespace>/<name>` of an object, as events name it. */
export function objectRef(
  kind: string,
  namespace: string | undefined,
  name: string | undefined,
): string {
  return `${kind} ${namespace ?? ''}/${name ?? ''}`;
}
