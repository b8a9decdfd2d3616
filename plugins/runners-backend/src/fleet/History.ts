/** One sample of a pool's load. */
export interface LoadSample {
  at: number;
  busySlots: number;
  totalSlots: number;
  pending: number;
  waitP95?: number;
  vms: number;
}

const FIVE_MINUTES = 5 * 60_000;
const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

/**
 * Bounded in-memory history per pool: 5-minute load samples for 24 h and hourly VM-seconds for
 * 30 days (for cost). At 500 pools that is ~150k small samples.
 */
export class History {
  readonly #samples = new Map<string, LoadSample[]>();
  readonly #vmSeconds = new Map<
    string,
    Array<{ hour: number; vmSeconds: number }>
  >();
  readonly #lastAt = new Map<string, number>();

  /** Records the pool's load at `at` (ms); keeps one sample per 5 minutes, newest wins. */
  record(poolId: string, sample: LoadSample): void {
    const samples = this.#samples.get(poolId) ?? [];
    const bucket = Math.floor(sample.at / FIVE_MINUTES);
    const last = samples[samples.length - 1];
    if (last && Math.floor(last.at / FIVE_MINUTES) === bucket) {
      samples[samples.length - 1] = sample;
    } else {
      samples.push(sample);
    }
    while (samples.length && samples[0].at < sample.at - DAY) samples.shift();
    this.#samples.set(poolId, samples);
    this.#addVmSeconds(poolId, sample);
  }

  #addVmSeconds(poolId: string, sample: LoadSample) {
    const previous = this.#lastAt.get(poolId);
    this.#lastAt.set(poolId, sample.at);
    if (previous === undefined || sample.at <= previous) return;
    const seconds = Math.min(sample.at - previous, FIVE_MINUTES) / 1000;
    const hours = this.#vmSeconds.get(poolId) ?? [];
    const hour = Math.floor(sample.at / HOUR);
    const last = hours[hours.length - 1];
    if (last && last.hour === hour) last.vmSeconds += sample.vms * seconds;
    else hours.push({ hour, vmSeconds: sample.vms * seconds });
    while (hours.length && hours[0].hour < hour - 30 * 24) hours.shift();
    this.#vmSeconds.set(poolId, hours);
  }

  samples(poolId: string, sinceMs: number): LoadSample[] {
    return (this.#samples.get(poolId) ?? []).filter(s => s.at >= sinceMs);
  }

  /** Mean of busy / total over the samples since `sinceMs`; undefined without capacity. */
  averageUtilization(poolId: string, sinceMs: number): number | undefined {
    const samples = this.samples(poolId, sinceMs).filter(s => s.totalSlots > 0);
    if (samples.length === 0) return undefined;
    const sum = samples.reduce((acc, s) => acc + s.busySlots / s.totalSlots, 0);
    return Math.round((sum / samples.length) * 1000) / 1000;
  }

  /** VM-hours since `sinceMs`. */
  vmHours(poolId: string, sinceMs: number): number {
    const fromHour = Math.floor(sinceMs / HOUR);
    const seconds = (this.#vmSeconds.get(poolId) ?? [])
      .filter(h => h.hour >= fromHour)
      .reduce((acc, h) => acc + h.vmSeconds, 0);
    return seconds / 3600;
  }

  forget(poolId: string): void {
    this.#samples.delete(poolId);
    this.#vmSeconds.delete(poolId);
    this.#lastAt.delete(poolId);
  }
}
