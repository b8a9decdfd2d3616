import { humanizeError, visibleErrors } from './formErrors';

describe('humanizeError', () => {
  it.each([
    [
      'autoscaling.scaleToZero',
      'scaleToZero needs minReplicas 0; set minReplicas to 0 or turn scaleToZero off',
      'Scale to zero needs Min VMs 0; set Min VMs to 0 or turn Scale to zero off',
    ],
    [
      'autoscaling.burstMaxReplicas',
      'burstMaxReplicas must be a whole number from 1 to 500',
      'Max burst VMs must be a whole number from 1 to 500',
    ],
    [
      'flavor.memoryGiB',
      'memoryGiB must be a whole number from 4 to 128',
      'Memory (GiB) must be a whole number from 4 to 128',
    ],
    [
      'gitlab.runUntagged',
      'a runner without tags must run untagged jobs, or it would never get a job; add a tag or enable runUntagged',
      'A runner without tags must run untagged jobs, or it would never get a job; add a tag or enable Run untagged jobs',
    ],
  ])('speaks the label of %s', (field, message, expected) => {
    expect(humanizeError({ field, message }).message).toBe(expected);
  });

  it('puts an inverted range under Max VMs, revealed by either field', () => {
    expect(
      humanizeError({
        field: 'autoscaling.minReplicas',
        message:
          'minReplicas (5) is greater than maxReplicas (2); lower minReplicas or raise maxReplicas',
      }),
    ).toEqual({
      field: 'autoscaling.maxReplicas',
      message:
        'Max VMs must be at least Min VMs (5); raise Max VMs or lower Min VMs',
      touchedBy: ['autoscaling.minReplicas', 'autoscaling.maxReplicas'],
    });
  });
});

describe('visibleErrors', () => {
  const errors = [
    { field: 'name', message: "name 'X' is not allowed" },
    { field: 'gitlab.tags[1]', message: "tag 'a b' is not allowed" },
    { field: 'autoscaling.burst', message: 'Windows pools cannot burst' },
  ];

  it('holds back typed fields until they are left, but not switches', () => {
    expect(visibleErrors(errors, new Set(), false).map(e => e.field)).toEqual([
      'autoscaling.burst',
    ]);
    expect(
      visibleErrors(errors, new Set(['gitlab.tags']), false).map(e => e.field),
    ).toEqual(['gitlab.tags[1]', 'autoscaling.burst']);
  });

  it('shows everything once the form was submitted', () => {
    expect(visibleErrors(errors, new Set(), true)).toHaveLength(3);
  });
});
