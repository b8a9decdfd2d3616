import { mockServices } from '@backstage/backend-test-utils';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  insertTestPool,
  newTeam,
  testHistoryStore,
  testRunnersConfig,
  testStore,
} from '../__testUtils__/stack';
import {
  Discovery,
  kubeDiscovery,
  ServedApiCheck,
} from '../provisioning/apiVersions';
import { CiPoller } from './CiPoller';
import { FleetCache } from './FleetCache';
import { FleetService } from './FleetService';

const cluster = useTestCluster();
const databases = createTestDatabases();

/** The real cluster's discovery, without the VirtualMachinePool group: KubeVirt without VMPool. */
function withoutPools(real: Discovery): Discovery {
  return {
    groups: async () => {
      const { 'pool.kubevirt.io': _pools, ...rest } = await real.groups();
      return rest;
    },
    kinds: (group, version) => real.kinds(group, version),
  };
}

describe('cluster APIs in fleet health', () => {
  it('shows what each cluster lacks: all of it fleet-wide, what a pool needs per team and pool', async () => {
    const logger = mockServices.logger.mock();
    const real = kubeDiscovery(cluster.kubeConfig('runner-fleet-backend'));
    const primary = ServedApiCheck.create({
      name: 'onprem',
      role: 'primary',
      discovery: withoutPools(real),
      logger,
    });
    const burst = ServedApiCheck.create({
      name: 'cloud',
      role: 'burst',
      discovery: real,
      logger,
    });
    await Promise.all([primary.refresh(), burst.refresh()]);

    const config = testRunnersConfig('http://gitlab.invalid');
    const store = await testStore(databases);
    const linuxTeam = newTeam();
    const windowsTeam = newTeam();
    const linux = await insertTestPool(store, config, { team: linuxTeam });
    const windows = await insertTestPool(store, config, {
      team: windowsTeam,
      flavor: 'win.xlarge',
    });
    const fleet = FleetService.create({
      store,
      cache: FleetCache.create({ clusters: [], logger }),
      poller: CiPoller.create({ logger }),
      history: await testHistoryStore(databases),
      clusters: { primary: 'onprem', burst: 'cloud' },
      apis: [primary, burst],
      logger,
    });

    const summary = fleet.summary([linux, windows]);
    expect(summary.clusters?.map(c => [c.name, c.role])).toEqual([
      ['onprem', 'primary'],
      ['cloud', 'burst'],
    ]);
    const [onprem, cloud] = summary.clusters!;
    expect(onprem.missing.map(m => m.kind)).toEqual(['VirtualMachinePool']);
    expect(onprem.served['pool.kubevirt.io']).toBeUndefined();
    expect(onprem.served['kubevirt.io']).toContain('v1');
    expect(cloud.missing).toEqual([]);
    expect(cloud.served['pool.kubevirt.io']).toContain('v1beta1');

    const teams = fleet.teams([linux, windows]);
    const byTeam = Object.fromEntries(teams.map(t => [t.team, t]));
    // Neither pool bursts: only the primary is listed; a Linux team is not told about pools.
    expect(byTeam[linuxTeam].clusters).toEqual([
      expect.objectContaining({ name: 'onprem', missing: [] }),
    ]);
    expect(byTeam[windowsTeam].clusters).toEqual([
      expect.objectContaining({
        name: 'onprem',
        missing: [expect.objectContaining({ kind: 'VirtualMachinePool' })],
      }),
    ]);
    expect(fleet.poolHealth(windows).clusters?.[0].missing[0]).toMatchObject({
      apiVersion: 'pool.kubevirt.io/v1beta1 or pool.kubevirt.io/v1alpha1',
      neededBy: 'windows',
      install: expect.stringContaining('KubeVirt'),
    });
    expect(fleet.poolHealth(linux).clusters?.[0].missing).toEqual([]);
  });
});
