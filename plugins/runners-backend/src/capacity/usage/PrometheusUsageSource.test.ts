import { mockServices } from '@backstage/backend-test-utils';
import { EXAMPLE_FLAVOR_CATALOG } from '@runner-fleet/plugin-runners-common/testUtils';
import {
  jobDemand,
  renderVirtHandlerMetrics,
  vmiLabelName,
  VmUsage,
} from '@runner-fleet/fleet-simulator';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createTestDatabases } from '../../__testUtils__/databases';
import {
  startPrometheus,
  TestPrometheus,
} from '../../__testUtils__/prometheus';
import { DatabaseUsageStore } from '../../database/DatabaseUsageStore';
import { PoolStore } from '../../database/PoolStore';
import { DEFAULT_THRESHOLDS, flavorRule } from '../adviceRules';
import { resourceUse } from '../resourceUse';
import {
  PrometheusUsageSource,
  VIRT_HANDLER_METRICS as M,
} from './PrometheusUsageSource';
import { UsageCollector } from './UsageCollector';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const catalog = EXAMPLE_FLAVOR_CATALOG.flavors;
const large = catalog.find(f => f.name === 'm1.large')!;

/**
 * The fleet simulator's virt-handler `/metrics` for VMs of m1.large, each running two jobs of
 * `project` (the simulator's per-project job demand drives the values).
 */
function virtHandler(
  vms: Array<{ name: string; pool: string; project: string }>,
): Promise<{ server: Server; target: string }> {
  const usage = vms.map(vm => {
    const u = new VmUsage({
      labels: {
        namespace: 'runners',
        name: vm.name,
        node: 'node-1',
        [vmiLabelName('runner-fleet.io/pool')]: vm.pool,
        [vmiLabelName('runner-fleet.io/flavor')]: large.name,
      },
      cpu: large.cpu,
      memoryGiB: large.memoryGiB,
    });
    const demand = jobDemand(vm.project, {
      cpu: large.cpu,
      memoryGiB: large.memoryGiB,
      concurrent: large.jobSlots,
    });
    u.change(demand, 1);
    u.change(demand, 1);
    return u;
  });
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(renderVirtHandlerMetrics(usage));
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        target: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      }),
    ),
  );
}

describe('PrometheusUsageSource on a real Prometheus', () => {
  let prometheus: TestPrometheus | undefined;
  let exporter: Server | undefined;

  afterEach(async () => {
    await prometheus?.stop();
    await new Promise(
      resolve => exporter?.close(resolve) ?? resolve(undefined),
    );
  });

  it('reads CPU and memory per pool and hour; stored, they make the flavor rule fire for the pool that runs out of CPU only', async () => {
    const vms = await virtHandler([
      // Jobs of team-22 keep 98% of a slot's vCPUs busy: two fill the VM's 4 vCPUs.
      { name: 'hot-a', pool: 'hot', project: 'engineering/team-22/build' },
      { name: 'hot-b', pool: 'hot', project: 'engineering/team-22/build' },
      // Jobs of team-1 use 44%: about 2 of 4 vCPUs with the idle guest's share.
      { name: 'fits-a', pool: 'fits', project: 'engineering/team-1/build' },
    ]);
    exporter = vms.server;
    prometheus = await startPrometheus({ targets: [vms.target] });
    const from = Date.now();
    // A few scrapes of every VM (the first rate() points of a new series are low: Prometheus
    // does not extrapolate before a series' first sample).
    const scrapes = async () => {
      const response = await fetch(
        `${prometheus!.url}/api/v1/query?query=${encodeURIComponent(
          `min(count_over_time(${M.cpuSeconds}[1m]))`,
        )}`,
      );
      const body = await response.json();
      return Number(body.data.result[0]?.value[1] ?? 0);
    };
    while ((await scrapes()) < 8) await new Promise(r => setTimeout(r, 500));

    const source = PrometheusUsageSource.create({
      url: prometheus.url,
      stepSeconds: 1,
      rateWindowSeconds: 4,
    });
    const read = await source.read({
      fromMs: from,
      toMs: Date.now(),
      vcpus: name => catalog.find(f => f.name === name)?.cpu,
    });
    const hot = read.filter(h => h.poolId === 'hot');
    const fits = read.filter(h => h.poolId === 'fits');
    expect(hot.length).toBeGreaterThanOrEqual(1);
    expect(fits.length).toBeGreaterThanOrEqual(1);
    for (const h of hot) {
      expect(h.flavor).toBe('m1.large');
      expect(h.cpuP95).toBeCloseTo(1, 1);
      expect(h.memoryP95).toBeCloseTo(0.78, 1);
      expect(h.samples).toBeGreaterThan(2);
    }
    for (const h of fits) expect(h.cpuP95).toBeCloseTo(0.49, 1);

    // The hourly task persists them (twice: an hour rewritten is replaced, not added).
    const knex = await databases.init('SQLITE_3');
    const usage = await DatabaseUsageStore.create({
      database: mockServices.database({ knex }),
    });
    const pools = { listPools: async () => [] } as unknown as PoolStore;
    const collector = UsageCollector.create({
      source,
      usage,
      pools,
      flavors: catalog,
      logger: mockServices.logger.mock(),
    });
    expect(await collector.collect()).toBeGreaterThanOrEqual(2);
    await collector.collect();
    const stored = await usage.hours({ fromMs: 0, toMs: Date.now() + 1 });
    expect(new Set(stored.map(h => `${h.poolId}@${h.hour}`)).size).toBe(
      stored.length,
    );

    // Enough hours of the same use (the rule wants 72) → a bigger flavor for "hot" only.
    const week = (poolId: string) => {
      const h = stored.find(s => s.poolId === poolId)!;
      return Array.from({ length: 100 }, (_, i) => ({
        ...h,
        hour: h.hour - i * 3_600_000,
      }));
    };
    const pool = (name: string) => ({
      spec: { name } as never,
      flavor: large,
    });
    expect(
      flavorRule(
        pool('hot'),
        resourceUse(week('hot'), 'm1.large'),
        catalog,
        DEFAULT_THRESHOLDS,
      ),
    ).toMatchObject({
      kind: 'flavor-change',
      title: 'Move to m1.xlarge: jobs run out of CPU',
    });
    expect(
      flavorRule(
        pool('fits'),
        resourceUse(week('fits'), 'm1.large'),
        catalog,
        DEFAULT_THRESHOLDS,
      ),
    ).toBeUndefined();
  });
});
