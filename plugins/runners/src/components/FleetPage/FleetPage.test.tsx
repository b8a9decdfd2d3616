import { screen, within } from '@testing-library/react';
import { fleetSummary } from '../../__testUtils__/fixtures';
import {
  mockRunnersApi,
  renderRunners,
  responseError,
} from '../../__testUtils__/render';
import { FleetPage } from './FleetPage';

describe('FleetPage', () => {
  it('shows every team, demand vs capacity per flavor, failing pools, ghosts and burst', async () => {
    await renderRunners(<FleetPage />, {
      api: mockRunnersApi({
        getFleetSummary: jest.fn().mockResolvedValue(fleetSummary()),
      }),
    });
    expect(
      await screen.findByText('Demand vs capacity per flavor'),
    ).toBeInTheDocument();
    const win = screen.getByText('win.xlarge (windows)').closest('tr')!;
    expect(within(win).getByText('0 / 2 (0%)')).toBeInTheDocument();
    expect(within(win).getByText('4')).toBeInTheDocument();
    expect(screen.getByText('Failing pools (1)')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'mobile/windows' }),
    ).toHaveAttribute('href', '/runners/pools/p-win');
    expect(
      screen.getByText('1 runners, 0 managers, 2 VMs (7 removed so far)'),
    ).toBeInTheDocument();
    expect(screen.getByText('1 pools bursting with 3 VMs')).toBeInTheDocument();
    const payments = screen
      .getAllByText('payments')
      .map(cell => cell.closest('tr')!)
      .find(row => within(row).queryByText('2 / 3'));
    expect(payments).toBeDefined();
    expect(within(payments!).getByText('50% of 6 slots')).toBeInTheDocument();
    expect(within(payments!).getByText('72.0')).toBeInTheDocument();
  });

  it('tells everyone but the platform team, kindly, that this view is not theirs', async () => {
    await renderRunners(<FleetPage />, {
      api: mockRunnersApi({
        getFleetSummary: jest
          .fn()
          .mockRejectedValue(
            await responseError(
              403,
              'NotAllowedError',
              'the fleet overview is for the platform team',
            ),
          ),
      }),
    });
    expect(
      await screen.findByText('The fleet view is for the platform team'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Go to My fleet' }),
    ).toHaveAttribute('href', '/runners');
    expect(
      screen.queryByText('Demand vs capacity per flavor'),
    ).not.toBeInTheDocument();
  });

  it('shows other errors as errors', async () => {
    await renderRunners(<FleetPage />, {
      api: mockRunnersApi({
        getFleetSummary: jest
          .fn()
          .mockRejectedValue(
            await responseError(
              503,
              'ServiceUnavailableError',
              'cache not ready',
            ),
          ),
      }),
    });
    expect(await screen.findByText(/cache not ready/)).toBeInTheDocument();
    expect(
      screen.queryByText('The fleet view is for the platform team'),
    ).not.toBeInTheDocument();
  });

  it('shows a loading state, and an empty state without pools', async () => {
    const { unmount } = await renderRunners(<FleetPage />, {
      api: mockRunnersApi({
        getFleetSummary: jest.fn(() => new Promise(() => {})),
      }),
    });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    unmount();
    await renderRunners(<FleetPage />, {
      api: mockRunnersApi({
        getFleetSummary: jest
          .fn()
          .mockResolvedValue({ ...fleetSummary(), teams: [] }),
      }),
    });
    expect(await screen.findByText('No runner pools yet')).toBeInTheDocument();
  });
});
