import { ROLLOUT_SIZES, rolloutTable, runRolloutBench } from './rolloutBench';

describe('yarn bench:rollout --smoke', () => {
  const result = runRolloutBench(ROLLOUT_SIZES.smoke, 'bench-rollout');

  it('prints one row per strategy', () => {
    const rows = rolloutTable(result)
      .split('\n')
      .slice(2)
      .map(line => line.split('|')[1].trim());
    expect(rows).toEqual([
      '(a) Runner Fleet (planRollout)',
      '(b) delete all old VMs at once',
      '(c) wait for natural scale-in',
    ]);
  });

  it('rolls the whole fleet with the product planRollout and kills no job', () => {
    const [fleet] = result.runs;
    expect(fleet.jobsKilled).toBe(0);
    expect(fleet.allNewMin).toBeDefined();
    expect(fleet.oldAtEnd).toBe(0);
    expect(fleet.jobsInWindow).toBeGreaterThan(0);
  });

  it('is deterministic for a seed', () => {
    const again = runRolloutBench(ROLLOUT_SIZES.smoke, 'bench-rollout');
    expect(rolloutTable(again)).toBe(rolloutTable(result));
  });
});
