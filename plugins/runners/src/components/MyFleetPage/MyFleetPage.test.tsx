import { screen, within } from '@testing-library/react';
import { health, pool, team } from '../../__testUtils__/fixtures';
import {
  mockRunnersApi,
  renderRunners,
  responseError,
} from '../../__testUtils__/render';
import { MyFleetPage } from './MyFleetPage';

describe('MyFleetPage', () => {
  it("shows each of the user's teams with its pools, state, VMs, utilisation, queue, boot time and cost", async () => {
    const rejected = pool({
      id: 'p-huge',
      name: 'huge',
      state: 'rejected',
      stateReason: 'rejected: 64 vCPU is more than any job needs',
    });
    const otherTeam = pool({ id: 'p-search', team: 'search', name: 'indexer' });
    const getPoolHealth = jest.fn().mockResolvedValue({
      ...health(),
      vms: [],
      events: [],
      history: [
        {
          at: '2026-01-01T10:00:00Z',
          utilization: 0.5,
          busySlots: 3,
          pending: 0,
          waitP95: 20,
        },
        {
          at: '2026-01-01T11:00:00Z',
          utilization: 0.5,
          busySlots: 3,
          pending: 0,
        },
        {
          at: '2026-01-01T12:00:00Z',
          utilization: 0.9,
          busySlots: 5,
          pending: 4,
          waitP95: 200,
        },
        {
          at: '2026-01-01T13:00:00Z',
          utilization: 0.5,
          busySlots: 3,
          pending: 1,
          waitP95: 75,
        },
      ],
    });
    const api = mockRunnersApi({
      getPoolHealth,
      listPools: jest.fn().mockResolvedValue([pool(), rejected, otherTeam]),
      listTeamHealth: jest.fn().mockResolvedValue([
        team('payments', [
          health({
            queue: {
              pending: 1,
              waitSeconds: { p50: 8, p90: 40, p95: 75, p99: 150, samples: 30 },
            },
            runners: { online: 2, offline: 1, stale: 1 },
          }),
        ]),
      ]),
    });
    await renderRunners(<MyFleetPage />, {
      api,
      teams: ['payments', 'mobile'],
    });

    expect(await screen.findByText('Team payments')).toBeInTheDocument();
    // The team panel: GitLab's runner counts from the health API, waits as p50 / p90 / p99.
    const verdict = screen.getByRole('region', { name: 'Team verdict' });
    expect(verdict).toHaveTextContent(
      'Runners: 2 online · 1 offline · 1 stale.',
    );
    expect(verdict).toHaveTextContent(
      'queue wait (24 h, slowest pool) p50 8 s · p90 40 s · p99 2 min 30 s.',
    );
    // The slowest pool's 24 h trend, from its health history (buckets without jobs skipped).
    expect(
      await within(verdict).findByRole('img', {
        name: 'Queue wait p95 of builds over 24 h: 20 s then 1 min 15 s now, highest 3 min 20 s',
      }),
    ).toBeInTheDocument();
    expect(getPoolHealth).toHaveBeenCalledWith('p-builds');
    const builds = screen.getByRole('link', { name: 'builds' }).closest('tr')!;
    expect(within(builds).getByText('Ready')).toBeInTheDocument();
    expect(within(builds).getByText('all VMs are ready')).toBeInTheDocument();
    expect(within(builds).getByText(/2 \/ 3/)).toBeInTheDocument();
    expect(within(builds).getByText(/50% · 3\/\s*6 slots/)).toBeInTheDocument();
    expect(within(builds).getByText(/8 s \/\s*1 min 15 s/)).toBeInTheDocument();
    expect(within(builds).getByText('41 s')).toBeInTheDocument();
    expect(within(builds).getByText('72.0')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'builds' })).toHaveAttribute(
      'href',
      '/runners/pools/p-builds',
    );

    const huge = screen.getByRole('link', { name: 'huge' }).closest('tr')!;
    expect(within(huge).getByText('Rejected')).toBeInTheDocument();
    expect(
      within(huge).getByText(/more than any job needs/),
    ).toBeInTheDocument();

    // Another team's pool the user may read is not part of *their* fleet.
    expect(screen.queryByText('indexer')).not.toBeInTheDocument();
    // A team without pools offers to request some.
    expect(
      screen.getByText('Team mobile has no runner pools yet'),
    ).toBeInTheDocument();
    expect(
      screen
        .getAllByRole('button', { name: 'Request runners' })
        .map(b => b.getAttribute('href')),
    ).toEqual([
      '/runners/request?team=mobile',
      '/runners/request?team=payments',
    ]);
  });

  it('shows a loading state first', async () => {
    const api = mockRunnersApi({
      listPools: jest.fn(() => new Promise(() => {})),
    });
    await renderRunners(<MyFleetPage />, { api });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('explains what to do when the user is in no team', async () => {
    await renderRunners(<MyFleetPage />, { api: mockRunnersApi(), teams: [] });
    expect(
      await screen.findByText('You are not in a team yet'),
    ).toBeInTheDocument();
  });

  it('shows the error when pools cannot be listed', async () => {
    const api = mockRunnersApi({
      listPools: jest
        .fn()
        .mockRejectedValue(
          await responseError(500, 'Error', 'database is locked'),
        ),
    });
    await renderRunners(<MyFleetPage />, { api });
    expect(await screen.findByText(/database is locked/)).toBeInTheDocument();
  });

  it('still lists pools when live health is unavailable', async () => {
    const api = mockRunnersApi({
      listPools: jest.fn().mockResolvedValue([pool()]),
      listTeamHealth: jest
        .fn()
        .mockRejectedValue(new Error('fleet cache not synced')),
    });
    await renderRunners(<MyFleetPage />, { api });
    expect(
      await screen.findByRole('link', { name: 'builds' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Live fleet health is unavailable/),
    ).toBeInTheDocument();
  });
});
