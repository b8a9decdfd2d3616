import { PLAIN_RULE, PRODUCT, withAdvice } from './policies';
import { runScalingBench, SCALING_SIZES, scalingTable } from './scalingBench';
import { buildWorkload } from './week';

describe('yarn bench:scaling --smoke', () => {
  const result = runScalingBench(SCALING_SIZES.smoke, 'bench-scaling');

  it('prints one row per policy', () => {
    const rows = scalingTable(result)
      .split('\n')
      .slice(2)
      .map(line => line.split('|')[1].trim());
    expect(rows).toEqual([
      '(a) plain KEDA rule: busy slots > 30%',
      "(b) Runner Fleet's shipped policy",
      '(c) (b) + advised schedules',
    ]);
  });

  it('runs every policy on the same jobs and measures every one of them', () => {
    const jobs = result.runs.map(r => r.jobs);
    expect(new Set(jobs).size).toBe(1);
    expect(jobs[0]).toBeGreaterThan(1000);
    for (const run of result.runs) {
      expect(run.vmHours).toBeGreaterThan(0);
      expect(run.waitP95S).toBeGreaterThanOrEqual(run.waitP50S);
    }
  });

  it("plays the product's rendered ScaledObjects, burst and advised cron triggers included", () => {
    const pool = buildWorkload(SCALING_SIZES.smoke, 'x').pools[0];
    const product = PRODUCT.scalers(pool);
    expect(product.primary.triggers.map(t => t.name)).toEqual([
      'busy-job-slots',
      'pending-jobs',
    ]);
    expect(product.burst?.minReplicaCount).toBe(0);
    expect(PLAIN_RULE.scalers(pool).burst).toBeUndefined();
    const schedule = {
      days: '1-5',
      startHour: 8,
      endHour: 24,
      minReplicas: 3,
      timezone: 'UTC',
    };
    const advised = withAdvice(new Map([[pool.id, [schedule]]])).scalers(pool);
    expect(advised.primary.triggers[2]).toEqual({
      name: 'schedule-0',
      target: 1,
      source: { kind: 'cron', schedule },
    });
    // The smoke week has rushes the advice answers with schedules: (c) keeps more VMs ready.
    expect(result.advised.size).toBeGreaterThan(0);
    expect(result.runs[2].vmHours).toBeGreaterThan(result.runs[1].vmHours);
  });

  it('is deterministic for a seed', () => {
    const again = runScalingBench(SCALING_SIZES.smoke, 'bench-scaling');
    expect(scalingTable(again)).toBe(scalingTable(result));
  });
});
