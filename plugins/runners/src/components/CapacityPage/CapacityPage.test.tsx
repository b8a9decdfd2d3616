import { mockApis } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Advice, Showback } from '@runner-fleet/plugin-runners-common';
import { mockRunnersApi, renderRunners } from '../../__testUtils__/render';
import { CapacityPage } from './CapacityPage';

const figures = {
  vmHours: 120,
  vcpuHours: 400,
  gibHours: 600,
  burstVcpuHours: 80,
  burstGibHours: 120,
  jobMinutes: 5400,
  jobs: 600,
  cost: 23.6,
};

const showback: Showback = {
  from: '2026-11-04T09:00:00.000Z',
  to: '2026-12-04T10:00:00.000Z',
  currency: 'EUR',
  prices: [],
  rows: [
    {
      team: 'payments',
      poolId: 'p1',
      poolName: 'builds',
      flavor: 'm1.large',
      ...figures,
    },
  ],
  teams: [{ team: 'payments', ...figures }],
  flavors: [{ flavor: 'm1.large', ...figures }],
  total: figures,
};

const advice: Advice = {
  id: 'a'.repeat(32),
  kind: 'schedule-min-replicas',
  poolId: 'p1',
  team: 'payments',
  poolName: 'builds',
  title: 'Keep 8 VMs Mon–Fri 08:00–10:00 UTC',
  reasoning: [
    '08:00–09:00 UTC: queue wait p95 was 240 s (target 30 s) on 10 of 10 weekdays that ran jobs then.',
  ],
  change: { autoscaling: { schedules: [] } },
  basedOn: { from: '', to: '', hours: 336 },
};

const rebalance: Advice = {
  id: 'b'.repeat(32),
  kind: 'flavor-rebalance',
  poolId: 'p2',
  team: 'search',
  poolName: 'indexer',
  title:
    'Move to m1.xlarge: m1.large pools queue at their max while m1.xlarge idles',
  reasoning: [
    'At those hours 14 jobs ran or waited at once; 4 VMs of m1.large hold 8 (2 job slots each).',
  ],
  change: { flavor: 'm1.xlarge' },
  basedOn: { from: '', to: '', hours: 336 },
};

describe('CapacityPage', () => {
  it("shows the team's usage and cost, and applies an advice through the API", async () => {
    const alertApi = mockApis.alert();
    const applyAdvice = jest.fn().mockResolvedValue({ pool: {} });
    const listAdvice = jest
      .fn()
      .mockResolvedValueOnce([advice])
      .mockResolvedValue([]);
    const api = mockRunnersApi({
      getShowback: jest.fn().mockResolvedValue(showback),
      listAdvice,
      applyAdvice,
    });
    await renderRunners(<CapacityPage />, {
      api,
      allow: () => false,
      alertApi,
    });
    const row = (await screen.findByText('builds')).closest('tr')!;
    expect(within(row).getByText('m1.large')).toBeInTheDocument();
    expect(within(row).getByText('400')).toBeInTheDocument();
    expect(within(row).getByText('€23.60')).toBeInTheDocument();
    expect(
      screen.getByText(/queue wait p95 was 240 s \(target 30 s\)/),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(applyAdvice).toHaveBeenCalledWith('a'.repeat(32)),
    );
    await alertApi.waitForAlert(
      a =>
        a.message ===
        'payments/builds: applying "Keep 8 VMs Mon–Fri 08:00–10:00 UTC".',
    );
    expect(await screen.findByText('No advice')).toBeInTheDocument();
  });

  it('dismisses an advice', async () => {
    const dismissAdvice = jest.fn().mockResolvedValue(undefined);
    await renderRunners(<CapacityPage />, {
      api: mockRunnersApi({
        getShowback: jest.fn().mockResolvedValue(showback),
        listAdvice: jest
          .fn()
          .mockResolvedValueOnce([advice])
          .mockResolvedValue([]),
        dismissAdvice,
      }),
      allow: () => false,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Dismiss' }),
    );
    await waitFor(() =>
      expect(dismissAdvice).toHaveBeenCalledWith('a'.repeat(32)),
    );
    expect(await screen.findByText('No advice')).toBeInTheDocument();
  });

  it('shows fleet rebalancing in the platform view, apart from pool advice, and applies it', async () => {
    const applyAdvice = jest.fn().mockResolvedValue({ pool: {} });
    await renderRunners(<CapacityPage />, {
      api: mockRunnersApi({
        getShowback: jest.fn().mockResolvedValue(showback),
        listAdvice: jest
          .fn()
          .mockResolvedValueOnce([advice, rebalance])
          .mockResolvedValue([advice]),
        applyAdvice,
      }),
      allow: name => name === 'runners.fleet.read',
    });
    const heading = await screen.findByRole('heading', {
      name: 'Fleet rebalancing',
    });
    const section = heading.closest('.MuiGrid-item') as HTMLElement;
    expect(
      within(section).getByText(
        'search/indexer: Move to m1.xlarge: m1.large pools queue at their max while m1.xlarge idles',
      ),
    ).toBeInTheDocument();
    expect(
      within(section).getByText(/14 jobs ran or waited at once/),
    ).toBeInTheDocument();
    expect(within(section).queryByText(/payments\/builds/)).toBeNull();

    await userEvent.click(
      within(section).getByRole('button', { name: 'Apply' }),
    );
    await waitFor(() =>
      expect(applyAdvice).toHaveBeenCalledWith('b'.repeat(32)),
    );
    expect(await screen.findByText('Flavors are balanced')).toBeInTheDocument();
    expect(
      screen.getByText(/payments\/builds: Keep 8 VMs/),
    ).toBeInTheDocument();
  });

  it('has no fleet rebalancing in a team view', async () => {
    await renderRunners(<CapacityPage />, {
      api: mockRunnersApi({
        getShowback: jest.fn().mockResolvedValue(showback),
        listAdvice: jest.fn().mockResolvedValue([advice]),
      }),
      allow: () => false,
    });
    expect(await screen.findByText(/Keep 8 VMs/)).toBeInTheDocument();
    expect(
      screen.queryByRole('heading', { name: 'Fleet rebalancing' }),
    ).toBeNull();
  });

  it('says why there is no flavor advice without a usage source', async () => {
    await renderRunners(<CapacityPage />, {
      api: mockRunnersApi({
        getShowback: jest.fn().mockResolvedValue(showback),
        getAdviceSources: jest.fn().mockResolvedValue({
          usage: {
            configured: false,
            message:
              'no usage source configured: set runners.usage.prometheus.url',
          },
        }),
      }),
      allow: () => false,
    });
    expect(
      await screen.findByText(
        'no usage source configured: set runners.usage.prometheus.url',
      ),
    ).toBeInTheDocument();
  });

  it('gives the platform team every team', async () => {
    await renderRunners(<CapacityPage />, {
      api: mockRunnersApi({
        getShowback: jest.fn().mockResolvedValue(showback),
      }),
      allow: name => name === 'runners.fleet.read',
    });
    expect(
      await screen.findByText(/Every team’s usage and cost \(platform view\)/),
    ).toBeInTheDocument();
  });
});
