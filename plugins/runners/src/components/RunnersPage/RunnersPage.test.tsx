import { screen } from '@testing-library/react';
import { healthDetail, pool } from '../../__testUtils__/fixtures';
import { mockRunnersApi, renderRunners } from '../../__testUtils__/render';
import { RunnersPage } from './RunnersPage';

describe('RunnersPage', () => {
  it('routes its tabs and hides Fleet from everyone but the platform team', async () => {
    await renderRunners(<RunnersPage />, {
      api: mockRunnersApi(),
      mountPath: '/runners/*',
      path: '/runners/requests',
      allow: name => name !== 'runners.fleet.read',
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
