import {
  EXAMPLE_FLAVOR_CATALOG,
  examplePoolSpec,
} from '@runner-fleet/plugin-runners-common/testUtils';
import { Flavor } from '@runner-fleet/plugin-runners-common';
import { HourRollup } from '../database/HistoryStore';
import { DEFAULT_THRESHOLDS } from './adviceRules';
import { FleetPool, rebalanceRule } from './rebalanceRule';
import {
  A_MONDAY,
  HourShape,
  hourHistory,
  NORMAL_HOUR,
} from './__testUtils__/hourHistory';

const catalog = EXAMPLE_FLAVOR_CATALOG.flavors;
const flavor = (name: string) => catalog.find(f => f.name === name)!;
const large = flavor('m1.large');
const xlarge = flavor('m1.xlarge');
const windows = flavor('win.xlarge');
const t = DEFAULT_THRESHOLDS;

/** A running pool of `flavor` with `maxReplicas`, and two weeks of hours shaped by `shape`. */
function pool(
  id: string,
  f: Flavor,
  maxReplicas: number,
  shape: (hour: number) => HourShape,
): { pool: FleetPool; hours: HourRollup[] } {
  const spec = examplePoolSpec({ team: 'payments', name: id });
  return {
    pool: {
      id,
      flavor: f,
      spec: {
        ...spec,
        flavor: f.name,
        autoscaling: {
          ...spec.autoscaling,
          minReplicas: 1,
          maxReplicas,
          scaleToZero: false,
        },
      },
    },
    hours: hourHistory({
      poolId: id,
      poolName: id,
      flavor: f,
      start: A_MONDAY,
      days: 14,
      shape,
    }),
  };
}

function fleet(...pools: Array<ReturnType<typeof pool>>) {
  return rebalanceRule(
    pools.map(p => p.pool),
    new Map(pools.map(p => [p.pool.id, p.hours])),
    catalog,
    t,
  );
}

/** Weekdays 08:00–10:00 UTC: `vms` VMs up, `jobs` jobs running or waiting, four-minute waits. */
const rushAt =
  (vms: number, busy: number, pending: number) =>
  (hour: number): HourShape => {
    const d = new Date(hour);
    const weekday = d.getUTCDay() >= 1 && d.getUTCDay() <= 5;
    const h = d.getUTCHours();
    return weekday && (h === 8 || h === 9)
      ? {
          vms,
          utilization: 0.9,
          busySlotsMax: busy,
          pendingMax: pending,
          jobsStarted: 40,
          waitP95: 240,
        }
      : NORMAL_HOUR;
  };

/** A pool that mostly idles: 2 VMs, 5% of the slots busy. */
const idle = (): HourShape => ({
  ...NORMAL_HOUR,
  utilization: 0.05,
  busySlotsMax: 1,
  jobsStarted: 2,
});

describe('fleet-level flavor rebalancing', () => {
  it('moves a pool that queues at its max to an idle flavor of the same OS, with the numbers', () => {
    // 4 VMs × 2 slots of m1.large hold 8 jobs; 14 ran or waited at the rush.
    const drafts = fleet(
      pool('builds', large, 4, rushAt(4, 8, 6)),
      pool('nightly', xlarge, 5, idle),
    );
    expect(drafts).toHaveLength(1);
    const [{ poolId, draft }] = drafts;
    expect(poolId).toBe('builds');
    expect(draft).toMatchObject({
      kind: 'flavor-rebalance',
      title:
        'Move to m1.xlarge: m1.large pools queue at their max while m1.xlarge idles',
      change: { flavor: 'm1.xlarge' },
    });
    expect(draft.reasoning).toEqual([
      '08:00–09:00 UTC: queue wait p95 240 s (target 30 s) on 10 of 10 weekdays, with all 4 VMs running.',
      '09:00–10:00 UTC: queue wait p95 240 s (target 30 s) on 10 of 10 weekdays, with all 4 VMs running.',
      'At those hours 14 jobs ran or waited at once; 4 VMs of m1.large hold 8 (2 job slots each).',
      expect.stringMatching(
        /^Across the fleet, m1\.large \(1 pool\) kept \d+% of its job slots busy; at p95 of the hours 14 jobs ran or waited at once, at the peak 14, against 8 slots with every pool at its max; m1\.xlarge \(1 pool\) kept 5% of its job slots busy; at p95 of the hours 1 job ran or waited at once, at the peak 1, against 20 slots with every pool at its max\.$/,
      ),
      '4 VMs of m1.xlarge (8 vCPU, 16 GiB, 4 job slots each) hold 16 jobs, +16 vCPU at max; it is the smallest linux flavor that does.',
      'If the change takes the team over its quota, applying it asks the platform team for approval.',
    ]);
  });

  it('raises max replicas when no idle flavor holds the peak on the same VMs, smallest change first', () => {
    const drafts = fleet(
      // 2 VMs × 4 slots of m1.xlarge would hold 8, not 14: raise max to 7 (+20 vCPU).
      pool('small', large, 2, rushAt(2, 4, 10)),
      // 4 VMs of m1.xlarge hold 16 ≥ 14: move (+16 vCPU), listed first.
      pool('builds', large, 4, rushAt(4, 8, 6)),
      pool('nightly', xlarge, 5, idle),
    );
    expect(drafts.map(d => [d.poolId, d.draft.title, d.draft.change])).toEqual([
      [
        'builds',
        'Move to m1.xlarge: m1.large pools queue at their max while m1.xlarge idles',
        { flavor: 'm1.xlarge' },
      ],
      [
        'small',
        'Raise max replicas from 2 to 7: m1.large pools queue at their max',
        { autoscaling: { maxReplicas: 7 } },
      ],
    ]);
    expect(drafts[1].draft.reasoning).toContain(
      'No idle linux flavor holds 14 jobs on 2 VMs; 7 VMs of m1.large do, +20 vCPU at max.',
    );
  });

  it('stays silent when the other flavor is busy too (balanced)', () => {
    const busy = (): HourShape => ({ ...NORMAL_HOUR, utilization: 0.5 });
    expect(
      fleet(
        pool('builds', large, 4, rushAt(4, 8, 6)),
        pool('nightly', xlarge, 5, busy),
      ),
    ).toEqual([]);
  });

  it('stays silent when the pool queues below its max (a matter of scaling speed, not flavor)', () => {
    expect(
      fleet(
        pool('builds', large, 10, rushAt(4, 8, 6)),
        pool('nightly', xlarge, 5, idle),
      ),
    ).toEqual([]);
  });

  it('stays silent when only a flavor of another OS idles', () => {
    expect(
      fleet(
        pool('builds', large, 4, rushAt(4, 8, 6)),
        pool('windows', windows, 5, idle),
      ),
    ).toEqual([]);
  });

  it('stays silent on a rush that came on two days only', () => {
    const twoDays = (hour: number) =>
      Math.floor((hour - A_MONDAY) / 86_400_000) % 7 === 0
        ? rushAt(4, 8, 6)(hour)
        : NORMAL_HOUR;
    expect(
      fleet(
        pool('builds', large, 4, twoDays),
        pool('nightly', xlarge, 5, idle),
      ),
    ).toEqual([]);
  });
});
