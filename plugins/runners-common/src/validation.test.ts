import {
  EXAMPLE_FLAVOR_CATALOG as catalog,
  examplePoolSpec,
} from './testUtils';
import { validatePoolSpec } from './validation';

const fields = (spec: ReturnType<typeof examplePoolSpec>) =>
  validatePoolSpec(spec, catalog).map(e => e.field);

describe('validatePoolSpec', () => {
  it('accepts a sensible pool', () => {
    expect(validatePoolSpec(examplePoolSpec(), catalog)).toEqual([]);
  });

  it('names the available flavors when the flavor is unknown', () => {
    const [error] = validatePoolSpec(
      examplePoolSpec({ flavor: 'm9.huge' }),
      catalog,
    );
    expect(error).toEqual({
      field: 'flavor',
      message:
        "flavor 'm9.huge' does not exist; available: m1.large, m1.xlarge, m1.xxlarge, win.xlarge",
    });
  });

  it('bounds the reason for the approver at MAX_REASON_LENGTH', () => {
    expect(fields(examplePoolSpec({ reason: 'x'.repeat(500) }))).toEqual([]);
    expect(
      validatePoolSpec(examplePoolSpec({ reason: 'x'.repeat(501) }), catalog),
    ).toEqual([
      {
        field: 'reason',
        message: 'reason is longer than 500 characters (501); shorten it',
      },
    ]);
  });

  it('rejects min above max and says how to fix it', () => {
    const errors = validatePoolSpec(
      examplePoolSpec({
        autoscaling: {
          minReplicas: 6,
          maxReplicas: 3,
          targetUtilization: 0.3,
          scaleToZero: false,
          burst: false,
        },
      }),
      catalog,
    );
    expect(errors).toEqual([
      expect.objectContaining({
        field: 'autoscaling.minReplicas',
        message: expect.stringContaining('greater than maxReplicas (3)'),
      }),
    ]);
  });

  it.each([
    ['Builds', 'uppercase'],
    ['-builds', 'leading dash'],
    ['builds-', 'trailing dash'],
    ['a'.repeat(41), 'too long'],
    ['', 'empty'],
  ])('rejects the pool name %p (%s)', name => {
    expect(fields(examplePoolSpec({ name }))).toEqual(['name']);
  });

  it('rejects tags GitLab would split or refuse, and duplicates', () => {
    const spec = examplePoolSpec();
    spec.gitlab.tags = ['linux', 'a,b', 'has space', 'linux'];
    expect(fields(spec)).toEqual([
      'gitlab.tags[1]',
      'gitlab.tags[2]',
      'gitlab.tags[3]',
    ]);
  });

  it('requires a path for group and project runners', () => {
    const spec = examplePoolSpec();
    spec.gitlab.scope = { type: 'project', path: '' };
    expect(fields(spec)).toEqual(['gitlab.scope.path']);
  });

  it('refuses a runner that could never get a job', () => {
    const spec = examplePoolSpec();
    spec.gitlab.tags = [];
    spec.gitlab.runUntagged = false;
    expect(fields(spec)).toEqual(['gitlab.runUntagged']);
  });

  it('keeps custom flavors inside the configured bounds', () => {
    const spec = examplePoolSpec({
      flavor: { os: 'linux', cpu: 64, memoryGiB: 1, diskGiB: 10 },
    });
    expect(fields(spec)).toEqual([
      'flavor.cpu',
      'flavor.memoryGiB',
      'flavor.diskGiB',
    ]);
    expect(
      fields(
        examplePoolSpec({
          flavor: { os: 'linux', cpu: 24, memoryGiB: 64, diskGiB: 200 },
        }),
      ),
    ).toEqual([]);
  });

  it('refuses burst for Windows pools', () => {
    const spec = examplePoolSpec({ flavor: 'win.xlarge' });
    spec.autoscaling.burst = true;
    expect(fields(spec)).toEqual(['autoscaling.burst']);
  });

  it('needs minReplicas 0 to scale to zero', () => {
    const spec = examplePoolSpec();
    spec.autoscaling.scaleToZero = true;
    expect(fields(spec)).toEqual(['autoscaling.scaleToZero']);
  });
});
