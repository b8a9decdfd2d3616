import {
  jobDemand,
  renderVirtHandlerMetrics,
  vmiLabelName,
  VmUsage,
} from './virtHandler';

const GIB = 1024 ** 3;

describe('virt-handler metrics of a simulated VM', () => {
  it('integrates CPU time of the running jobs over wall time and reports the memory in use', () => {
    let now = 0;
    const vm = new VmUsage({
      labels: {
        namespace: 'runners',
        name: 'vm-1',
        node: 'node-1',
        [vmiLabelName('runner-fleet.io/pool')]: 'p1',
      },
      cpu: 4,
      memoryGiB: 6,
      now: () => now,
    });
    const job = { cpu: 2, memoryGiB: 2 };
    vm.change(job, 1);
    now = 10_000;
    vm.change(job, 1);
    now = 20_000;
    // 10 s at 2.2 vCPU, 10 s at 4 (4.2 capped at the VM's 4).
    expect(vm.sample().cpuSeconds).toBeCloseTo(62, 6);
    expect(vm.sample().usableBytes).toBe((6 - 4.5) * GIB);
    vm.change(job, -1);
    vm.change(job, -1);
    expect(vm.sample().usableBytes).toBe(5.5 * GIB);

    const text = renderVirtHandlerMetrics([vm]);
    expect(text).toContain(
      '# TYPE kubevirt_vmi_cpu_usage_seconds_total counter',
    );
    expect(text).toContain(
      'kubevirt_vmi_memory_domain_bytes{namespace="runners",name="vm-1",node="node-1",kubernetes_vmi_label_runner_fleet_io_pool="p1"} 6442450944',
    );
  });

  it('gives every job of a project the same demand, within one job slot', () => {
    const vm = { cpu: 4, memoryGiB: 6, concurrent: 2 };
    const a = jobDemand('engineering/payments/api', vm);
    expect(jobDemand('engineering/payments/api', vm)).toEqual(a);
    expect(jobDemand('engineering/search/indexer', vm)).not.toEqual(a);
    expect(a.cpu).toBeGreaterThanOrEqual(0.6);
    expect(a.cpu).toBeLessThanOrEqual(2);
    expect(a.memoryGiB).toBeLessThanOrEqual(3);
  });
});
