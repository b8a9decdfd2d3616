import { mockApis } from '@backstage/frontend-test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { healthDetail, pool } from '../../__testUtils__/fixtures';
import {
  mockRunnersApi,
  renderRunners,
  responseError,
} from '../../__testUtils__/render';
import { PoolDetailPage } from './PoolDetailPage';

/** Every state gets its own pool id: permission answers are cached per resource. */
function at(id: string) {
  return { mountPath: '/runners/pools/:id', path: `/runners/pools/${id}` };
}

describe('PoolDetailPage states', () => {
  it('shows a failed pool as an error with its cause and what to do', async () => {
    const reason = "GitLab group 'a-' does not exist";
    const api = mockRunnersApi({
      getPool: jest
        .fn()
        .mockResolvedValue(
          pool({ id: 'p-failed', state: 'failed', stateReason: reason }),
        ),
      getPoolHealth: jest
        .fn()
        .mockResolvedValue(
          healthDetail({ state: 'failed', stateReason: reason }),
        ),
    });
    await renderRunners(<PoolDetailPage />, { api, ...at('p-failed') });
    const alert = await screen.findByRole('alert', { name: 'Pool state' });
    expect(alert).toHaveTextContent('This pool failed');
    expect(alert).toHaveTextContent(`Cause: ${reason}`);
    expect(alert).toHaveTextContent(/What to do: Fix the cause/);
    const progress = screen.getByLabelText('Provisioning progress');
    expect(
      within(progress).getByText('Provisioning failed'),
    ).toBeInTheDocument();
  });

  it('shows provisioning that retries after an error as stuck, not as progress', async () => {
    const reason =
      "cannot register the runner: GitLab group 'a-' does not exist; retrying in 30 s";
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(
        pool({
          id: 'p-stuck',
          state: 'provisioning',
          stateReason: reason,
          stateCode: 'ReconcileError',
          generation: 1,
          observedGeneration: 0,
        }),
      ),
      getPoolHealth: jest.fn().mockResolvedValue(
        healthDetail({
          state: 'provisioning',
          stateReason: reason,
          stateCode: 'ReconcileError',
        }),
      ),
    });
    await renderRunners(<PoolDetailPage />, { api, ...at('p-stuck') });
    const alert = await screen.findByRole('alert', { name: 'Pool state' });
    expect(alert).toHaveTextContent('Provisioning is stuck');
    expect(alert).toHaveTextContent(`Cause: ${reason}`);
  });

  it('shows provisioning that progresses without an alert', async () => {
    const reason = 'waiting for 1 of 3 VMs to boot';
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(
        pool({
          id: 'p-booting',
          state: 'provisioning',
          stateReason: reason,
          stateCode: 'VmsBooting',
        }),
      ),
      getPoolHealth: jest
        .fn()
        .mockResolvedValue(
          healthDetail({ state: 'provisioning', stateReason: reason }),
        ),
    });
    await renderRunners(<PoolDetailPage />, { api, ...at('p-booting') });
    expect(await screen.findByText('builds-vm-a')).toBeInTheDocument();
    expect(
      screen.queryByRole('alert', { name: 'Pool state' }),
    ).not.toBeInTheDocument();
  });

  it('tells a ready Windows pool that a newer golden image is published, and what moves it', async () => {
    const reason =
      'ready on golden image version pvc runner-fleet-images/windows-2022-v1; the DataSource runner-fleet-images/windows-2022-golden names pvc runner-fleet-images/windows-2022-v2 now: a fleet rollout of flavor win.xlarge moves the pool to it (POST /fleet/rollouts)';
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(
        pool({
          id: 'p-outdated',
          state: 'ready',
          stateReason: reason,
          stateCode: 'GoldenImageOutdated',
        }),
      ),
      getPoolHealth: jest.fn().mockResolvedValue(
        healthDetail({
          state: 'ready',
          stateReason: reason,
          stateCode: 'GoldenImageOutdated',
        }),
      ),
    });
    await renderRunners(<PoolDetailPage />, { api, ...at('p-outdated') });
    const alert = await screen.findByRole('alert', { name: 'Pool state' });
    expect(alert).toHaveTextContent('A newer golden image is published');
    expect(alert).toHaveTextContent(`Cause: ${reason}`);
    expect(alert).toHaveTextContent(
      /What to do: .*fleet rollout of the flavor/,
    );
  });

  it('shows a pool waiting for approval as pending, without idle numbers', async () => {
    const reason = 'custom flavor: a platform approver has to approve it';
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(
        pool({
          id: 'p-pending',
          state: 'pending-approval',
          stateReason: reason,
        }),
      ),
      getPoolHealth: jest
        .fn()
        .mockResolvedValue(
          healthDetail({ state: 'pending-approval', stateReason: reason }),
        ),
    });
    await renderRunners(<PoolDetailPage />, { api, ...at('p-pending') });
    const alert = await screen.findByRole('alert', { name: 'Pool state' });
    expect(alert).toHaveTextContent('Waiting for approval');
    const progress = screen.getByLabelText('Provisioning progress');
    expect(
      within(progress).getByText('Waiting for approval'),
    ).toBeInTheDocument();
    expect(within(progress).queryByText('Approved')).not.toBeInTheDocument();
    // No donut, no "idle … holding N VMs", no VM table for a pool that runs nothing.
    expect(screen.queryByText('Utilisation now')).not.toBeInTheDocument();
    expect(screen.queryByText(/holding \d+ VMs/)).not.toBeInTheDocument();
    expect(screen.queryByText('builds-vm-a')).not.toBeInTheDocument();
  });

  it('shows a draining pool with the jobs it waits for', async () => {
    const reason =
      'draining: the runner is paused and takes no new jobs; waiting for 2 running jobs (#1001, #1002) to finish (at most until 2026-12-04T08:00:00.000Z), then the VMs and the runner are removed';
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(
        pool({
          id: 'p-draining',
          state: 'deleting',
          stateReason: reason,
          stateCode: 'Draining',
        }),
      ),
      getPoolHealth: jest.fn().mockResolvedValue({
        ...healthDetail({
          state: 'deleting',
          stateReason: reason,
          stateCode: 'Draining',
        }),
        // The count comes from the VMs the fleet cache sees, never from the sentence.
        vms: [
          { ...healthDetail().vms[0], runningJobs: [1001] },
          {
            ...healthDetail().vms[0],
            name: 'builds-vm-c',
            runningJobs: [1002],
          },
        ],
      }),
    });
    await renderRunners(<PoolDetailPage />, { api, ...at('p-draining') });
    const alert = await screen.findByRole('alert', { name: 'Pool state' });
    expect(alert).toHaveTextContent('Draining — waiting for 2 running jobs');
    expect(alert).toHaveTextContent(reason);
    expect(screen.getByRole('button', { name: 'Delete' })).toBeDisabled();
    expect(
      screen.getByText(
        'stopped: the pool is being deleted and takes no new jobs',
      ),
    ).toBeInTheDocument();
  });

  it('shows a deleted pool as deleted and stops polling it', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    try {
      const getPool = jest
        .fn()
        .mockRejectedValue(
          await responseError(
            404,
            'NotFoundError',
            "pool 'p-gone' does not exist",
          ),
        );
      const getPoolHealth = jest
        .fn()
        .mockRejectedValue(
          await responseError(
            404,
            'NotFoundError',
            "pool 'p-gone' does not exist",
          ),
        );
      await renderRunners(<PoolDetailPage />, {
        api: mockRunnersApi({ getPool, getPoolHealth }),
        ...at('p-gone'),
      });
      expect(
        await screen.findByText('This pool was deleted'),
      ).toBeInTheDocument();
      const pools = getPool.mock.calls.length;
      const healths = getPoolHealth.mock.calls.length;
      await act(async () => {
        jest.advanceTimersByTime(60_000);
      });
      expect(getPool.mock.calls.length).toBe(pools);
      expect(getPoolHealth.mock.calls.length).toBe(healths);
    } finally {
      jest.useRealTimers();
    }
  });

  it('offers platform members "Delete now", naming the running jobs it cuts', async () => {
    const alertApi = mockApis.alert();
    const deletePool = jest
      .fn()
      .mockResolvedValue(pool({ id: 'p-force', state: 'deleting' }));
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(pool({ id: 'p-force' })),
      getPoolHealth: jest.fn().mockResolvedValue(healthDetail()),
      deletePool,
    });
    await renderRunners(<PoolDetailPage />, {
      api,
      alertApi,
      ...at('p-force'),
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete' }),
    );
    const dialog = screen.getByRole('dialog');
    const warning = within(dialog).getByRole('alert', { name: 'Delete now' });
    expect(warning).toHaveTextContent(/#1001 on builds-vm-a/);
    await userEvent.type(within(dialog).getByLabelText('Pool name'), 'builds');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Delete now' }),
    );
    await waitFor(() =>
      expect(deletePool).toHaveBeenCalledWith('p-force', { force: true }),
    );
  });

  it('offers only draining to users without the force-delete permission', async () => {
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(pool({ id: 'p-noforce' })),
      getPoolHealth: jest.fn().mockResolvedValue(healthDetail()),
    });
    await renderRunners(<PoolDetailPage />, {
      api,
      ...at('p-noforce'),
      allow: name => name !== 'runners.pool.forceDelete',
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete' }),
    );
    const dialog = screen.getByRole('dialog');
    expect(
      within(dialog).getByRole('button', { name: 'Drain and delete' }),
    ).toBeInTheDocument();
    expect(
      within(dialog).queryByRole('button', { name: 'Delete now' }),
    ).not.toBeInTheDocument();
  });
});

describe('PoolDetailPage cost', () => {
  it('labels cost with the configured unit, else "cost units"', async () => {
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(pool({ id: 'p-cost' })),
      getPoolHealth: jest.fn().mockResolvedValue(healthDetail()),
    });
    const { unmount } = await renderRunners(<PoolDetailPage />, {
      api,
      ...at('p-cost'),
    });
    expect(await screen.findByText(/ cost units$/)).toBeInTheDocument();
    // The gauge says what its colour means, against the pool's drawn target.
    expect(
      screen.getByText(/^(idle|on target|saturated) · target 30%$/),
    ).toBeInTheDocument();
    unmount();
    await renderRunners(<PoolDetailPage />, {
      api,
      ...at('p-cost'),
      config: { runners: { costUnit: 'EUR' } },
    });
    expect(await screen.findByText(/ EUR$/)).toBeInTheDocument();
  });
});

describe('PoolDetailPage concurrent change', () => {
  it('tells the user someone else changed the pool (412) and reloads it', async () => {
    const alertApi = mockApis.alert();
    const getPool = jest
      .fn()
      .mockResolvedValueOnce(pool({ id: 'p-stale', etag: '"1"' }))
      .mockResolvedValue(pool({ id: 'p-stale', etag: '"2"' }));
    const updatePool = jest
      .fn()
      .mockRejectedValue(
        await responseError(
          412,
          'PreconditionFailedError',
          "pool 'p-stale' changed since it was read",
        ),
      );
    await renderRunners(<PoolDetailPage />, {
      api: mockRunnersApi({
        getPool,
        getPoolHealth: jest.fn().mockResolvedValue(healthDetail()),
        updatePool,
      }),
      alertApi,
      ...at('p-stale'),
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Change' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await alertApi.waitForAlert(
      a =>
        a.severity === 'warning' &&
        a.message.startsWith('Someone else changed builds'),
    );
    expect(updatePool).toHaveBeenCalledWith('p-stale', expect.anything(), {
      ifMatch: '"1"',
    });
    await waitFor(() => expect(getPool).toHaveBeenCalledTimes(2));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
