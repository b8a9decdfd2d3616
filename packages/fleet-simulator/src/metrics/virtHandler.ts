import { createHash } from 'node:crypto';

const GIB = 1024 ** 3;

/** What one job asks of its VM while it runs. */
export interface JobDemand {
  /** vCPUs kept busy. */
  cpu: number;
  /** Memory in use, GiB. */
  memoryGiB: number;
}

/**
 * A job's CPU and memory demand, the same for every job of a project (a project's builds look
 * alike): between 30% and 100% of the vCPUs and memory of one job slot of the VM, picked by a
 * hash of the project path, so a test can choose projects that fill or leave a flavor idle.
 */
export function jobDemand(
  project: string,
  vm: { cpu: number; memoryGiB: number; concurrent: number },
): JobDemand {
  const digest = createHash('sha256').update(project).digest();
  const share = (byte: number) => 0.3 + (0.7 * byte) / 255;
  const slots = Math.max(1, vm.concurrent);
  return {
    cpu: (vm.cpu / slots) * share(digest[0]),
    memoryGiB: (vm.memoryGiB / slots) * share(digest[1]),
  };
}

/**
 * One VM's use as virt-handler would measure it: CPU time integrated over wall-clock time (the
 * Prometheus scraping it runs on wall time), memory in use now. Jobs add and remove demand; the
 * guest OS idles at a small base load.
 */
export class VmUsage {
  readonly labels: { namespace: string; name: string; node: string } & Record<
    string,
    string
  >;
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly #now: () => number;
  #cpuSeconds = 0;
  #busyCpu: number;
  #usedGiB: number;
  #since: number;

  constructor(options: {
    labels: { namespace: string; name: string; node: string } & Record<
      string,
      string
    >;
    cpu: number;
    memoryGiB: number;
    now?: () => number;
  }) {
    this.labels = options.labels;
    this.cpu = options.cpu;
    this.memoryGiB = options.memoryGiB;
    this.#now = options.now ?? Date.now;
    this.#since = this.#now();
    // The idle guest: a few percent of a vCPU, half a GiB.
    this.#busyCpu = 0.05 * options.cpu;
    this.#usedGiB = Math.min(0.5, options.memoryGiB);
  }

  #advance() {
    const now = this.#now();
    this.#cpuSeconds +=
      (Math.min(this.#busyCpu, this.cpu) * (now - this.#since)) / 1000;
    this.#since = now;
  }

  /** A job started (`sign` 1) or ended (`sign` -1). */
  change(demand: JobDemand, sign: 1 | -1): void {
    this.#advance();
    this.#busyCpu += sign * demand.cpu;
    this.#usedGiB += sign * demand.memoryGiB;
  }

  /** The counter and gauges virt-handler reports now. */
  sample(): {
    cpuSeconds: number;
    availableBytes: number;
    usableBytes: number;
    domainBytes: number;
  } {
    this.#advance();
    const used = Math.min(this.#usedGiB, this.memoryGiB);
    return {
      cpuSeconds: this.#cpuSeconds,
      availableBytes: this.memoryGiB * GIB,
      usableBytes: (this.memoryGiB - used) * GIB,
      domainBytes: this.memoryGiB * GIB,
    };
  }
}

/** A VMI label as virt-handler exports it: `kubernetes_vmi_label_` + the key with . / - as _. */
export function vmiLabelName(key: string): string {
  return `kubernetes_vmi_label_${key.replace(/[./-]/g, '_')}`;
}

const escape = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/**
 * virt-handler's `/metrics` for `vms` in the Prometheus text format, with the upstream names
 * (kubevirt `pkg/monitoring/metrics/virt-handler/domainstats`) and labels (`namespace`, `name`,
 * `node`, VMI labels as `kubernetes_vmi_label_*`).
 */
export function renderVirtHandlerMetrics(vms: VmUsage[]): string {
  const samples = vms.map(vm => ({ vm, s: vm.sample() }));
  const families: Array<
    [string, string, string, (s: ReturnType<VmUsage['sample']>) => number]
  > = [
    [
      'kubevirt_vmi_cpu_usage_seconds_total',
      'counter',
      'Total CPU time spent in all modes (sum of both vcpu and hypervisor usage).',
      s => s.cpuSeconds,
    ],
    [
      'kubevirt_vmi_memory_available_bytes',
      'gauge',
      'Amount of usable memory as seen by the domain.',
      s => s.availableBytes,
    ],
    [
      'kubevirt_vmi_memory_usable_bytes',
      'gauge',
      'The amount of memory which can be reclaimed by balloon without pushing the guest system to swap.',
      s => s.usableBytes,
    ],
    [
      'kubevirt_vmi_memory_domain_bytes',
      'gauge',
      'The amount of memory in bytes allocated to the domain.',
      s => s.domainBytes,
    ],
  ];
  const lines: string[] = [];
  for (const [name, type, help, value] of families) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const { vm, s } of samples) {
      const labels = Object.entries(vm.labels)
        .map(([k, v]) => `${k}="${escape(v)}"`)
        .join(',');
      lines.push(`${name}{${labels}} ${value(s)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
