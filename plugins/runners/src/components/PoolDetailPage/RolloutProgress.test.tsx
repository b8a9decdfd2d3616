import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PoolRollout } from '@runner-fleet/plugin-runners-common';
import { mockRunnersApi, renderRunners } from '../../__testUtils__/render';
import { RolloutProgress } from './RolloutProgress';

const rolling: PoolRollout = {
  poolId: 'p-builds',
  phase: 'rolling',
  reason: 'WaitingForNewVms',
  message:
    'rolling out: 1 new, 2 old, 1 draining; waiting for 1 new VM to boot and register',
  vms: { outdated: 2, updated: 1, draining: 1 },
  replaced: 2,
  startedAt: '2026-12-04T10:00:00.000Z',
};

describe('RolloutProgress', () => {
  it('shows new, old and draining VMs with a progress bar and why it waits', async () => {
    const api = mockRunnersApi({
      getPoolRollout: jest.fn().mockResolvedValue(rolling),
    });
    await renderRunners(
      <RolloutProgress poolId="p-builds" canAbort={false} pollMs={60000} />,
      { api },
    );
    expect(
      await screen.findByText(
        'Replacing VMs with the new template: 1 new · 2 old · 1 draining',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '25',
    );
    expect(
      screen.getByText(/waiting for 1 new VM to boot/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Abort rollout' })).toBeNull();
  });

  it('says why a halted rollout stopped and aborts it', async () => {
    const halted: PoolRollout = {
      ...rolling,
      phase: 'halted',
      reason: 'NewVmsNotRegistered',
      message:
        'rollout halted: 1 new VM did not register with GitLab within 10 min; the 2 old VMs keep serving.',
    };
    const api = mockRunnersApi({
      getPoolRollout: jest
        .fn()
        .mockResolvedValueOnce(halted)
        .mockResolvedValue({ ...halted, phase: 'rolling-back' }),
      abortPoolRollout: jest
        .fn()
        .mockResolvedValue({ ...halted, phase: 'rolling-back' }),
    });
    await renderRunners(
      <RolloutProgress poolId="p-builds" canAbort pollMs={60000} />,
      { api },
    );
    expect(
      await screen.findByText('Error: Rollout halted (NewVmsNotRegistered)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/did not register with GitLab/),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Abort rollout' }),
    );
    expect(api.abortPoolRollout).toHaveBeenCalledWith('p-builds');
    expect(
      await screen.findByText(/^Rolling back to the previous template/),
    ).toBeInTheDocument();
  });

  it('shows nothing while every VM runs the current template', async () => {
    const api = mockRunnersApi();
    const { container } = await renderRunners(
      <RolloutProgress poolId="p-builds" canAbort pollMs={60000} />,
      { api },
    );
    await waitFor(() => expect(api.getPoolRollout).toHaveBeenCalled());
    expect(container.textContent).toBe('');
  });
});
