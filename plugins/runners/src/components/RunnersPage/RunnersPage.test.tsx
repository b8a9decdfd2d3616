import { screen } from '@testing-library/react';
import { healthDetail, pool } from '../../__testUtils__/fixtures';
import { mockRunnersApi, renderRunners } from '../../__testUtils__/render';
import { RunnersPage } from './RunnersPage';

describe('RunnersPage', () => {
  it('routes its tabs and hides Fleet and Rollouts from everyone but the platform team', async () => {
    await renderRunners(<RunnersPage />, {
      api: mockRunnersApi(),
      mountPath: '/runners/*',
      path: '/runners/requests',
      allow: name =>
        name !== 'runners.fleet.read' && name !== 'runners.request.approve',
    });
    expect(
      await screen.findByText('Nothing waits for approval'),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'My fleet' })).toHaveAttribute(
      'href',
      '/runners',
    );
    expect(
      screen.getByRole('tab', { name: 'Request runners' }),
    ).toHaveAttribute('href', '/runners/request');
    expect(screen.getByRole('tab', { name: 'Requests' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(screen.getByText('Fleet').closest('[role="tab"]')).not.toBeVisible();
    expect(
      screen.getByText('Rollouts').closest('[role="tab"]'),
    ).not.toBeVisible();
  });

  it('shows the platform team the Rollouts tab under /rollouts', async () => {
    await renderRunners(<RunnersPage />, {
      api: mockRunnersApi(),
      mountPath: '/runners/*',
      path: '/runners/rollouts',
    });
    expect(await screen.findByText('No fleet rollout yet')).toBeInTheDocument();
    const tab = screen.getByRole('tab', { name: 'Rollouts' });
    expect(tab).toBeVisible();
    expect(tab).toHaveAttribute('href', '/runners/rollouts');
    expect(tab).toHaveAttribute('aria-selected', 'true');
  });

  it('opens a pool under pools/:id', async () => {
    await renderRunners(<RunnersPage />, {
      api: mockRunnersApi({
        getPool: jest.fn().mockResolvedValue(pool()),
        getPoolHealth: jest.fn().mockResolvedValue(healthDetail()),
      }),
      mountPath: '/runners/*',
      path: '/runners/pools/p-builds',
    });
    expect(await screen.findByText('builds-vm-a')).toBeInTheDocument();
    expect(
      screen.queryByRole('tab', { name: 'My fleet' }),
    ).not.toBeInTheDocument();
  });
});
