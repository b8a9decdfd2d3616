import { ForwardedError, ServiceUnavailableError } from '@backstage/errors';
import { UsageHour } from '../../database/UsageStore';

/**
 * The upstream virt-handler metrics (kubevirt `pkg/monitoring/metrics/virt-handler/domainstats`):
 * a CPU-time counter and the guest's memory figures, one series per VMI labelled `namespace`,
 * `name`, `node` and `kubernetes_vmi_label_<VMI label>` ('.', '/', '-' become '_').
 */
export const VIRT_HANDLER_METRICS = {
  /** Counter: CPU time spent in all modes (vCPU and hypervisor), seconds. */
  cpuSeconds: 'kubevirt_vmi_cpu_usage_seconds_total',
  /** Gauge: memory usable as seen by the domain, bytes. */
  memoryAvailable: 'kubevirt_vmi_memory_available_bytes',
  /** Gauge: memory reclaimable without swapping ('Available' in /proc/meminfo), bytes. */
  memoryUsable: 'kubevirt_vmi_memory_usable_bytes',
  /** Gauge: memory allocated to the domain (its XML `memory`), bytes. */
  memoryDomain: 'kubevirt_vmi_memory_domain_bytes',
} as const;

/** The pool and flavor labels of our VMIs (`runner-fleet.io/pool`, `/flavor`) as virt-handler exports them. */
export const POOL_LABEL = 'kubernetes_vmi_label_runner_fleet_io_pool';
export const FLAVOR_LABEL = 'kubernetes_vmi_label_runner_fleet_io_flavor';

/** Reads the CPU and memory use of the fleet's VMs, per pool and hour. */
export interface UsageSource {
  /**
   * Usage per pool and hour of [`fromMs`, `toMs`); `vcpus` gives the vCPUs of a flavor by name
   * (CPU time becomes a share of them). Pools without VMs in an hour have no row for it.
   */
  read(options: {
    fromMs: number;
    toMs: number;
    vcpus: (flavor: string) => number | undefined;
  }): Promise<UsageHour[]>;
}

interface MatrixResponse {
  status: 'success' | 'error';
  error?: string;
  data?: {
    resultType: string;
    result: Array<{
      metric: Record<string, string>;
      values: Array<[number, string]>;
    }>;
  };
}

const HOUR = 3_600_000;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

/**
 * {@link UsageSource} over a Prometheus HTTP API that scrapes virt-handler: one range query for
 * CPU and one for memory per read, sampled every `stepSeconds`.
 */
export class PrometheusUsageSource implements UsageSource {
  readonly #url: string;
  readonly #stepSeconds: number;
  readonly #rateWindowSeconds: number;

  static create(options: {
    /** Base URL of the Prometheus HTTP API, e.g. `http://prometheus:9090`. */
    url: string;
    /** Seconds between samples of a range query; default 60. */
    stepSeconds?: number;
    /** Window of `rate()` over the CPU counter; default 120 s (two scrapes at 60 s or more). */
    rateWindowSeconds?: number;
  }): PrometheusUsageSource {
    return new PrometheusUsageSource(options);
  }

  private constructor(
    options: Parameters<typeof PrometheusUsageSource.create>[0],
  ) {
    this.#url = options.url.replace(/\/+$/, '');
    this.#stepSeconds = options.stepSeconds ?? 60;
    this.#rateWindowSeconds = options.rateWindowSeconds ?? 120;
  }

  async read(options: {
    fromMs: number;
    toMs: number;
    vcpus: (flavor: string) => number | undefined;
  }): Promise<UsageHour[]> {
    const m = VIRT_HANDLER_METRICS;
    const ours = `{${POOL_LABEL}!=""}`;
    const [cpu, memory] = await Promise.all([
      this.#range(
        `rate(${m.cpuSeconds}${ours}[${this.#rateWindowSeconds}s])`,
        options,
      ),
      // The expression of KubeVirt's own `kubevirt_vmi_memory_used_bytes` recording rule,
      // over the domain's memory: a plain Prometheus has no KubeVirt rules loaded.
      this.#range(
        `(${m.memoryAvailable}${ours} - ${m.memoryUsable}${ours}) / ${m.memoryDomain}${ours}`,
        options,
      ),
    ]);
    // pool → hour → flavor → samples
    type Bucket = { cpu: number[]; memory: number[] };
    const buckets = new Map<string, Map<number, Map<string, Bucket>>>();
    const bucket = (labels: Record<string, string>, atSeconds: number) => {
      const pool = labels[POOL_LABEL];
      const flavor = labels[FLAVOR_LABEL] ?? '';
      const hour = Math.floor((atSeconds * 1000) / HOUR) * HOUR;
      const hours = buckets.get(pool) ?? new Map<number, Map<string, Bucket>>();
      buckets.set(pool, hours);
      const flavors = hours.get(hour) ?? new Map<string, Bucket>();
      hours.set(hour, flavors);
      const b = flavors.get(flavor) ?? { cpu: [], memory: [] };
      flavors.set(flavor, b);
      return b;
    };
    for (const series of cpu) {
      const vcpus = options.vcpus(series.metric[FLAVOR_LABEL] ?? '');
      if (!vcpus) continue;
      for (const [at, value] of series.values) {
        const v = Number(value);
        if (Number.isFinite(v))
          bucket(series.metric, at).cpu.push(
            Math.min(1, Math.max(0, v / vcpus)),
          );
      }
    }
    for (const series of memory) {
      for (const [at, value] of series.values) {
        const v = Number(value);
        if (Number.isFinite(v))
          bucket(series.metric, at).memory.push(Math.min(1, Math.max(0, v)));
      }
    }
    const out: UsageHour[] = [];
    for (const [poolId, hours] of buckets) {
      for (const [hour, flavors] of hours) {
        // During a flavor change an hour has VMs of both; it counts for the one seen most.
        const [flavor, b] = [...flavors].sort(
          (x, y) =>
            y[1].cpu.length +
            y[1].memory.length -
            x[1].cpu.length -
            x[1].memory.length,
        )[0];
        if (b.cpu.length === 0 || b.memory.length === 0) continue;
        const cpuSorted = [...b.cpu].sort((x, y) => x - y);
        const memSorted = [...b.memory].sort((x, y) => x - y);
        const mean = (xs: number[]) =>
          xs.reduce((a, x) => a + x, 0) / xs.length;
        out.push({
          poolId,
          hour,
          flavor,
          cpuP95: quantile(cpuSorted, 0.95),
          cpuMean: mean(b.cpu),
          memoryP95: quantile(memSorted, 0.95),
          memoryMean: mean(b.memory),
          samples: Math.min(b.cpu.length, b.memory.length),
        });
      }
    }
    return out.sort(
      (a, b) => a.poolId.localeCompare(b.poolId) || a.hour - b.hour,
    );
  }

  /** A range query, in pieces below Prometheus' limit of 11,000 points per series. */
  async #range(query: string, window: { fromMs: number; toMs: number }) {
    const span = 10_000 * this.#stepSeconds * 1000;
    const series: NonNullable<MatrixResponse['data']>['result'] = [];
    for (let from = window.fromMs; from < window.toMs; from += span) {
      series.push(
        ...(await this.#rangePiece(query, {
          fromMs: from,
          toMs: Math.min(window.toMs, from + span),
        })),
      );
    }
    return series;
  }

  async #rangePiece(
    query: string,
    window: { fromMs: number; toMs: number },
  ): Promise<NonNullable<MatrixResponse['data']>['result']> {
    const params = new URLSearchParams({
      query,
      start: String(window.fromMs / 1000),
      // The range end is inclusive in Prometheus; the hour's end belongs to the next hour.
      end: String((window.toMs - 1) / 1000),
      step: `${this.#stepSeconds}s`,
    });
    let response: Response;
    try {
      response = await fetch(`${this.#url}/api/v1/query_range`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: params.toString(),
      });
    } catch (error) {
      throw new ForwardedError(
        `Prometheus at ${
          this.#url
        } (runners.usage.prometheus.url) did not answer`,
        error,
      );
    }
    const body = (await response.json().catch(() => undefined)) as
      | MatrixResponse
      | undefined;
    if (!response.ok || body?.status !== 'success' || !body.data) {
      throw new ServiceUnavailableError(
        `Prometheus at ${this.#url} (runners.usage.prometheus.url) answered ${
          response.status
        } to a range query: ${body?.error ?? 'no result'}`,
      );
    }
    return body.data.result;
  }
}
