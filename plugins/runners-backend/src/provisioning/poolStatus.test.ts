import { goldenImageProblem, vmProblem } from './poolStatus';

// Statuses as KubeVirt and CDI write them (VMI conditions mirror the virt-launcher pod's).
const vmi = (
  name: string,
  phase: string,
  conditions: object[] = [],
): object => ({ metadata: { name }, status: { phase, conditions } });

const unschedulable = (name: string) =>
  vmi(name, 'Scheduling', [
    {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message: '0/3 nodes are available: 3 Insufficient memory.',
    },
  ]);

describe('vmProblem', () => {
  it('says nothing while VMs are on their way', () => {
    expect(
      vmProblem({
        vmis: [vmi('a', 'Scheduling'), vmi('b', 'Running')],
        dataVolumes: [{ status: { phase: 'CloneInProgress' } }],
      }),
    ).toBeUndefined();
  });

  it("names VMs no node can take, with the scheduler's message and what to do", () => {
    const problem = vmProblem({
      vmis: [
        unschedulable('p-1'),
        unschedulable('p-2'),
        unschedulable('p-3'),
        vmi('p-4', 'Running'),
      ],
      dataVolumes: [],
    });
    expect(problem?.code).toBe('VmsUnschedulable');
    expect(problem?.reason).toContain('3 of 4 VMs cannot be scheduled');
    expect(problem?.reason).toContain('p-1, p-2 and 1 more');
    expect(problem?.reason).toContain(
      'Unschedulable: 0/3 nodes are available: 3 Insufficient memory.',
    );
    expect(problem?.reason).toContain('smaller flavor');
  });

  it('reports VMs that failed to boot', () => {
    const problem = vmProblem({
      vmis: [
        vmi('p-1', 'Failed', [
          {
            type: 'Ready',
            status: 'False',
            reason: 'PodFailed',
            message: 'virt-launcher pod failed',
          },
        ]),
        vmi('p-2', 'Running'),
      ],
      dataVolumes: [],
    });
    expect(problem).toEqual({
      code: 'VmsFailed',
      reason: expect.stringContaining(
        '1 of 2 VMs failed to boot (p-1: PodFailed: virt-launcher pod failed)',
      ),
    });
  });

  it('puts a failed disk clone first: it is why the VMs cannot start', () => {
    const problem = vmProblem({
      vmis: [unschedulable('p-1')],
      dataVolumes: [
        {
          metadata: { name: 'p-1-root' },
          status: {
            phase: 'Failed',
            conditions: [
              {
                type: 'Running',
                status: 'False',
                reason: 'Error',
                message: 'source PVC is being deleted',
              },
            ],
          },
        },
      ],
    });
    expect(problem?.code).toBe('DiskCloneFailed');
    expect(problem?.reason).toContain(
      '1 VM failed (p-1-root: Error: source PVC is being deleted)',
    );
  });
});

describe('goldenImageProblem', () => {
  const image = { namespace: 'runner-fleet-images', name: 'win' };

  it('names a missing DataSource and one that is not Ready, with its condition', () => {
    expect(goldenImageProblem(image, 'local', undefined)?.code).toBe(
      'GoldenImageMissing',
    );
    const notReady = goldenImageProblem(image, 'local', {
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'NotFound',
            message: 'PVC not found',
          },
        ],
      },
    });
    expect(notReady?.code).toBe('GoldenImageNotReady');
    expect(notReady?.reason).toContain('(NotFound: PVC not found)');
    expect(
      goldenImageProblem(image, 'local', {
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      }),
    ).toBeUndefined();
  });
});
