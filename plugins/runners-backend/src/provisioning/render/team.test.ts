import { objectKey, renderedKindOf, renderedKinds } from './kinds';
import { teamNamespace } from './names';
import { renderPool, renderTeam } from './renderPool';
import { VM_OVERHEAD, quotaRequests } from './team';
import {
  at,
  exampleFlavor,
  exampleRenderInput,
  findObject,
  withAutoscaling,
} from './testing';

describe('team objects', () => {
  it('size the ResourceQuota as the team quota plus KubeVirt overhead per VM', () => {
    const quota = findObject(renderPool(exampleRenderInput()), 'ResourceQuota');
    // 64 vCPU / 128 GiB: at most 32 VMs of the smallest (2 vCPU) shape.
    const guestMiB = 128 * 1024;
    const memoryMiB =
      guestMiB + guestMiB / 512 + 64 * 8 + 32 * VM_OVERHEAD.perVmMemoryMiB;
    expect(at(quota, 'spec', 'hard')).toEqual({
      'requests.cpu': `${64000 + 32 * 100}m`,
      'requests.memory': `${memoryMiB}Mi`,
    });
    expect(VM_OVERHEAD.perVmMemoryMiB).toBe(320);
  });

  it('cover clone storage with requests.storage when the quota limits it', () => {
    const quota = findObject(
      renderPool(
        exampleRenderInput({
          teamQuota: {
            maxCpu: 64,
            maxMemoryGiB: 128,
            maxPools: 5,
            maxStorageGiB: 1600,
          },
        }),
      ),
      'ResourceQuota',
    );
    expect(at(quota, 'spec', 'hard', 'requests.storage')).toBe('1600Gi');
    expect(quota.metadata.annotations?.['runner-fleet.io/quota']).toContain(
      '1600 GiB clone storage',
    );
  });

  it('give a quota room for its guests: never less than the quota itself', () => {
    for (const quota of [
      { maxCpu: 1, maxMemoryGiB: 1, maxPools: 1 },
      { maxCpu: 7, maxMemoryGiB: 10, maxPools: 2 },
      { maxCpu: 512, maxMemoryGiB: 2048, maxPools: 50 },
    ]) {
      const { cpuMilli, memoryMiB } = quotaRequests(quota);
      expect(cpuMilli).toBeGreaterThan(quota.maxCpu * 1000);
      expect(memoryMiB).toBeGreaterThan(quota.maxMemoryGiB * 1024);
    }
  });

  it('put the quota on the primary cluster only', () => {
    const input = exampleRenderInput();
    expect(renderTeam(input).map(objectKey)).toEqual([
      'Namespace/runners-payments',
      'ResourceQuota/runners-payments/runner-fleet',
      'NetworkPolicy.networking.k8s.io/runners-payments/runner-fleet-runner-vms',
    ]);
    const burst = { ...input, cluster: { name: 'c', role: 'burst' as const } };
    expect(renderTeam(burst).map(objectKey)).toEqual([
      'Namespace/runners-payments',
      'NetworkPolicy.networking.k8s.io/runners-payments/runner-fleet-runner-vms',
    ]);
  });

  it('honour a namespace prefix', () => {
    const input = exampleRenderInput({ options: { namespacePrefix: 'ci-' } });
    for (const object of renderPool(input)) {
      expect(object.metadata.namespace ?? object.metadata.name).toBe(
        'ci-payments',
      );
    }
  });
});

describe('teamNamespace', () => {
  it('is runners-<team> for a team name that is already a DNS label', () => {
    expect(teamNamespace('payments')).toBe('runners-payments');
  });

  it('folds other catalog names into distinct valid labels', () => {
    const a = teamNamespace('Payments_EU');
    const b = teamNamespace('payments-eu');
    const long = teamNamespace(`team-${'x'.repeat(58)}`);
    expect(a).toMatch(/^runners-payments-eu-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(long.length).toBeLessThanOrEqual(63);
    for (const name of [a, b, long]) {
      expect(name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    }
  });
});

describe('renderedKinds', () => {
  it('lists every kind any rendering produces, with its plural', () => {
    const renderings = [
      renderPool(exampleRenderInput()),
      renderPool(exampleRenderInput({ flavor: exampleFlavor('win.xlarge') })),
      renderPool(
        withAutoscaling(
          { ...exampleRenderInput(), cluster: { name: 'c', role: 'burst' } },
          { burst: true },
        ),
      ),
    ].flat();
    const produced = new Set(renderings.map(o => `${o.apiVersion} ${o.kind}`));
    const listed = new Set(renderedKinds.map(k => `${k.apiVersion} ${k.kind}`));
    expect(listed).toEqual(produced);
    expect(
      renderedKindOf('pool.kubevirt.io/v1beta1', 'VirtualMachinePool'),
    ).toEqual(
      expect.objectContaining({
        group: 'pool.kubevirt.io',
        version: 'v1beta1',
        plural: 'virtualmachinepools',
        namespaced: true,
        scope: 'pool',
      }),
    );
    expect(renderedKindOf('v1', 'Namespace')).toMatchObject({
      group: '',
      namespaced: false,
      scope: 'team',
    });
  });

  it('refuses a kind that is never rendered', () => {
    expect(() => renderedKindOf('apps/v1', 'Deployment')).toThrow(
      /not a rendered kind/,
    );
  });
});
