import { mockApis } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FleetRollout } from '@runner-fleet/plugin-runners-common';
import {
  mockRunnersApi,
  renderRunners,
  responseError,
} from '../../__testUtils__/render';
import { RolloutsPage } from './RolloutsPage';

const image = 'quay.io/runner-fleet/gitlab-runner-vm:18.0';

function rollout(overrides: Partial<FleetRollout> = {}): FleetRollout {
  return {
    id: 'fr1',
    flavor: 'm1.large',
    image,
    phase: 'rolling',
    reason: 'WaitingForPools',
    message: 'rolling: waiting for 1 pool to finish (1 of 2 pools rolled)',
    canaryPools: 1,
    maxVmPercent: 25,
    createdBy: 'user:default/ada.platform',
    createdAt: '2026-12-04T10:00:00.000Z',
    updatedAt: '2026-12-04T10:05:00.000Z',
    pools: [
      {
        poolId: 'p-builds',
        team: 'payments',
        name: 'builds',
        status: 'done',
        canary: true,
        vms: { old: 0, new: 2 },
        message: 'complete: every VM runs the current template',
      },
      {
        poolId: 'p-tests',
        team: 'search',
        name: 'tests',
        status: 'rolling',
        canary: false,
        vms: { old: 4, new: 2 },
        message: 'rolling out: 2 new, 4 old; waiting for 1 new VM to boot',
      },
    ],
    progress: { pools: 2, poolsDone: 1, vms: 8, vmsNew: 4 },
    ...overrides,
  };
}

const complete = rollout({
  id: 'fr0',
  flavor: 'm1.xlarge',
  phase: 'complete',
  reason: 'Complete',
  message: 'complete: 3 pools run the new definition',
  progress: { pools: 3, poolsDone: 3, vms: 6, vmsNew: 6 },
});

describe('RolloutsPage', () => {
  it("says an aborted rollout's finished pools returned, not that they rolled", async () => {
    const aborted = rollout({
      phase: 'aborted',
      reason: 'Aborted',
      message: 'aborted by ada.platform',
      pools: [
        {
          ...rollout().pools[0],
          vms: { old: 2, new: 0 },
          message: 'returned to its previous definition by the abort',
        },
      ],
      progress: { pools: 1, poolsDone: 0, vms: 2, vmsNew: 0 },
    });
    await renderRunners(<RolloutsPage />, {
      api: mockRunnersApi({
        listFleetRollouts: jest.fn().mockResolvedValue([aborted]),
      }),
    });
    const row = await screen.findByRole('row', { name: 'rollout of m1.large' });
    await userEvent.click(
      within(row).getByRole('button', {
        name: `Show the pools of m1.large → ${image}`,
      }),
    );
    const pools = within(
      await screen.findByRole('table', { name: 'pools of the rollout' }),
    );
    expect(pools.getByText('Returned')).toBeInTheDocument();
    expect(pools.queryByText('Done')).toBeNull();
  });

  it("lists rollouts with phase, progress, why they wait and, expanded, each pool's progress", async () => {
    await renderRunners(<RolloutsPage />, {
      api: mockRunnersApi({
        listFleetRollouts: jest.fn().mockResolvedValue([rollout(), complete]),
      }),
    });
    const row = await screen.findByRole('row', { name: 'rollout of m1.large' });
    expect(within(row).getByText('Rolling')).toBeInTheDocument();
    expect(
      within(row).getByText('1/2 pools · 4/8 VMs new'),
    ).toBeInTheDocument();
    expect(
      within(row).getByRole('progressbar', {
        name: 'VMs on the new definition of m1.large',
      }),
    ).toHaveAttribute('aria-valuenow', '50');
    expect(
      within(row).getByText(/waiting for 1 pool to finish/),
    ).toBeInTheDocument();
    expect(within(row).getByText('ada.platform')).toBeInTheDocument();
    const done = screen.getByRole('row', { name: 'rollout of m1.xlarge' });
    expect(within(done).getByText('Complete')).toBeInTheDocument();
    expect(
      within(done).getByRole('progressbar', {
        name: 'VMs on the new definition of m1.xlarge',
      }),
    ).toHaveAttribute('aria-valuenow', '100');

    expect(screen.queryByRole('link', { name: 'payments/builds' })).toBeNull();
    await userEvent.click(
      within(row).getByRole('button', {
        name: `Show the pools of m1.large → ${image}`,
      }),
    );
    const pools = within(
      await screen.findByRole('table', { name: 'pools of the rollout' }),
    );
    expect(
      pools.getByRole('link', { name: 'payments/builds' }),
    ).toHaveAttribute('href', '/runners/pools/p-builds');
    const canary = pools.getByText('(canary)', { exact: false }).closest('tr')!;
    expect(within(canary).getByText('Done')).toBeInTheDocument();
    const tests = pools
      .getByRole('link', { name: 'search/tests' })
      .closest('tr')!;
    expect(within(tests).getByText('Rolling')).toBeInTheDocument();
    expect(within(tests).getByText('4 / 2')).toBeInTheDocument();
    expect(
      within(tests).getByText(/waiting for 1 new VM to boot/),
    ).toBeInTheDocument();
  });

  it('offers the actions its phase allows and pauses and resumes through the API', async () => {
    const alertApi = mockApis.alert();
    const api = mockRunnersApi({
      listFleetRollouts: jest
        .fn()
        .mockResolvedValueOnce([rollout(), complete])
        .mockResolvedValue([
          rollout({ phase: 'paused', reason: 'Paused' }),
          complete,
        ]),
      pauseFleetRollout: jest.fn().mockResolvedValue(rollout()),
      resumeFleetRollout: jest
        .fn()
        .mockRejectedValue(
          await responseError(
            409,
            'ConflictError',
            'fleet rollout fr1 is complete; only a paused or halted rollout can be resumed',
          ),
        ),
    });
    await renderRunners(<RolloutsPage />, { api, alertApi });
    const row = await screen.findByRole('row', { name: 'rollout of m1.large' });
    expect(within(row).queryByRole('button', { name: 'Resume' })).toBeNull();
    expect(
      within(row).getByRole('button', { name: 'Abort' }),
    ).toBeInTheDocument();
    const done = screen.getByRole('row', { name: 'rollout of m1.xlarge' });
    expect(
      within(done).queryByRole('button', { name: /Pause|Resume|Abort/ }),
    ).toBeNull();

    await userEvent.click(within(row).getByRole('button', { name: 'Pause' }));
    expect(api.pauseFleetRollout).toHaveBeenCalledWith('fr1');
    await alertApi.waitForAlert(
      a => a.message === 'Paused the rollout of m1.large.',
    );
    const paused = await screen.findByRole('button', { name: 'Resume' });
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
    expect(
      screen.getByRole('row', { name: 'rollout of m1.large' }),
    ).toHaveTextContent('Paused');

    await userEvent.click(paused);
    await alertApi.waitForAlert(
      a =>
        a.message ===
        'Could not resume the rollout of m1.large: fleet rollout fr1 is complete; only a paused or halted rollout can be resumed',
    );
  });

  it('asks before aborting and says admitted pools return to their previous flavor', async () => {
    const api = mockRunnersApi({
      listFleetRollouts: jest.fn().mockResolvedValue([rollout()]),
      abortFleetRollout: jest
        .fn()
        .mockResolvedValue(rollout({ phase: 'aborted' })),
    });
    await renderRunners(<RolloutsPage />, { api });
    await userEvent.click(await screen.findByRole('button', { name: 'Abort' }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(
      dialog.getByText('Abort the rollout of m1.large?'),
    ).toBeInTheDocument();
    expect(
      dialog.getByText(/return to their previous flavor definition/),
    ).toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Keep rolling' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.abortFleetRollout).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('button', { name: 'Abort' }));
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Abort rollout',
      }),
    );
    expect(api.abortFleetRollout).toHaveBeenCalledWith('fr1');
  });

  it("checks the start form, names the wrong field, posts it and shows the server's refusal", async () => {
    const api = mockRunnersApi({
      startFleetRollout: jest
        .fn()
        .mockRejectedValueOnce(
          await responseError(
            409,
            'ConflictError',
            "nothing to roll: every live pool of flavor 'm1.large' already runs its catalog definition",
          ),
        )
        .mockResolvedValue(rollout({ phase: 'canary' })),
    });
    await renderRunners(<RolloutsPage />, { api });
    expect(await screen.findByText('No fleet rollout yet')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'New rollout' }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByLabelText('Canary pools')).toHaveValue(1);
    expect(dialog.getByLabelText('Max VMs replacing (%)')).toHaveValue(25);

    await userEvent.click(
      dialog.getByRole('button', { name: 'Start rollout' }),
    );
    expect(
      dialog.getByText(
        'Flavor: pick the flavor whose catalog definition to roll out',
      ),
    ).toBeInTheDocument();
    await userEvent.clear(dialog.getByLabelText('Max VMs replacing (%)'));
    await userEvent.type(dialog.getByLabelText('Max VMs replacing (%)'), '150');
    expect(
      dialog.getByText(/^Max VMs replacing: a percentage above 0/),
    ).toBeInTheDocument();
    expect(api.startFleetRollout).not.toHaveBeenCalled();

    await userEvent.click(dialog.getByRole('button', { name: /Flavor/ }));
    await userEvent.click(
      within(screen.getByRole('listbox')).getByText(/^m1\.large → /),
    );
    await userEvent.clear(dialog.getByLabelText('Max VMs replacing (%)'));
    await userEvent.type(dialog.getByLabelText('Max VMs replacing (%)'), '10');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Start rollout' }),
    );
    expect(api.startFleetRollout).toHaveBeenCalledWith({
      flavor: 'm1.large',
      canaryPools: 1,
      maxVmPercent: 10,
    });
    expect(
      await dialog.findByText(/^nothing to roll: every live pool/),
    ).toBeInTheDocument();

    await userEvent.click(
      dialog.getByRole('button', { name: 'Start rollout' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.startFleetRollout).toHaveBeenCalledTimes(2);
  });

  it('tells everyone but the platform team that rollouts are not theirs', async () => {
    const api = mockRunnersApi();
    await renderRunners(<RolloutsPage />, {
      api,
      allow: name => name !== 'runners.request.approve',
    });
    expect(
      await screen.findByText('Fleet rollouts are for the platform team'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New rollout' })).toBeNull();
  });
});
