import { mockApis } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { approvalRequest, pool } from '../../__testUtils__/fixtures';
import {
  mockRunnersApi,
  renderRunners,
  responseError,
} from '../../__testUtils__/render';
import { RequestsPage } from './RequestsPage';

const approver = (name: string) => name === 'runners.request.approve';
const requester = () => false;

describe('RequestsPage', () => {
  it('lets approvers approve a pending request', async () => {
    const alertApi = mockApis.alert();
    const listRequests = jest.fn().mockResolvedValue([approvalRequest()]);
    const approveRequest = jest
      .fn()
      .mockResolvedValue(approvalRequest({ status: 'approved' }));
    await renderRunners(<RequestsPage />, {
      api: mockRunnersApi({ listRequests, approveRequest }),
      allow: approver,
      alertApi,
    });
    expect(listRequests).toHaveBeenCalledWith({ status: 'pending' });
    const row = (
      await screen.findByText('new pool with custom 24 vCPU / 64 GiB')
    ).closest('tr')!;
    expect(within(row).getByText('custom flavor')).toBeInTheDocument();
    expect(
      within(row).getByRole('link', { name: 'big-builds' }),
    ).toHaveAttribute('href', '/runners/pools/p-big');
    await userEvent.click(within(row).getByRole('button', { name: 'Approve' }));
    // Approving asks first, saying what happens.
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent(/provisioned right away/);
    expect(approveRequest).not.toHaveBeenCalled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    await waitFor(() => expect(approveRequest).toHaveBeenCalledWith('r1'));
    await alertApi.waitForAlert(
      a => a.message === 'Approved payments/big-builds.',
    );
    expect(listRequests).toHaveBeenCalledTimes(2);
  });

  it('shows approvers the shape, quota before and after, cost and the reason', async () => {
    const base = pool();
    const getPool = jest.fn().mockResolvedValue(
      pool({
        id: 'p-big',
        name: 'big-builds',
        state: 'pending-approval',
        flavor: {
          ...base.flavor,
          name: 'custom-24c64g',
          cpu: 24,
          memoryGiB: 64,
          costWeight: 4,
          custom: true,
        },
        spec: {
          ...base.spec,
          name: 'big-builds',
          reason: 'the monorepo build needs 24 vCPU',
          autoscaling: {
            ...base.spec.autoscaling,
            minReplicas: 0,
            maxReplicas: 2,
          },
        },
      }),
    );
    const listQuotas = jest.fn().mockResolvedValue([
      {
        team: 'payments',
        limits: { maxCpu: 128, maxMemoryGiB: 256, maxPools: 10 },
        // The waiting custom-flavor pool already reserves its 48 vCPU / 128 GiB.
        used: { cpu: 100, memoryGiB: 200, pools: 4 },
      },
    ]);
    await renderRunners(<RequestsPage />, {
      api: mockRunnersApi({
        listRequests: jest.fn().mockResolvedValue([approvalRequest()]),
        getPool,
        listQuotas,
      }),
      allow: approver,
    });
    const context = await screen.findByTestId('approval-context-r1');
    await waitFor(() =>
      expect(context).toHaveTextContent(
        'Shape: custom-24c64g: 24 vCPU / 64 GiB memory, Linux',
      ),
    );
    expect(getPool).toHaveBeenCalledWith('p-big');
    expect(context).toHaveTextContent('Max VMs: 2 (min 0)');
    await waitFor(() =>
      expect(context).toHaveTextContent(
        'Quota of team payments: vCPU 52 → 100 of 128; memory 72 GiB → 200 GiB of 256 GiB; pools 3 → 4 of 10',
      ),
    );
    expect(context).toHaveTextContent(
      'Cost: 0.0 to 8.0 cost units per hour; up to 5840 cost units per month at max VMs',
    );
    expect(context).toHaveTextContent(
      'Reason: the monorepo build needs 24 vCPU',
    );
    expect(
      within(context).getByRole('link', {
        name: 'Team payments in the catalog',
      }),
    ).toHaveAttribute('href', '/catalog/default/group/payments');
  });

  it('rejects only with a reason', async () => {
    const rejectRequest = jest
      .fn()
      .mockResolvedValue(approvalRequest({ status: 'rejected' }));
    await renderRunners(<RequestsPage />, {
      api: mockRunnersApi({
        listRequests: jest.fn().mockResolvedValue([approvalRequest()]),
        rejectRequest,
      }),
      allow: approver,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Reject' }),
    );
    const dialog = screen.getByRole('dialog');
    const confirm = within(dialog).getByRole('button', { name: 'Reject' });
    expect(confirm).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText('Reason'), {
      target: { value: 'm1.xxlarge fits; use it' },
    });
    await userEvent.click(confirm);
    await waitFor(() =>
      expect(rejectRequest).toHaveBeenCalledWith(
        'r1',
        'm1.xxlarge fits; use it',
      ),
    );
  });

  it('shows requesters the outcomes but no decision buttons', async () => {
    const decided = [
      approvalRequest({
        status: 'rejected',
        decidedBy: 'user:default/ada.platform',
        decidedAt: '2026-01-02T10:00:00Z',
        decisionReason: 'm1.xxlarge fits',
      }),
      approvalRequest({ id: 'r2', poolName: 'gpu', status: 'pending' }),
    ];
    await renderRunners(<RequestsPage />, {
      api: mockRunnersApi({
        listRequests: jest.fn().mockResolvedValue(decided),
      }),
      allow: requester,
    });
    expect(await screen.findByText('Rejected')).toBeInTheDocument();
    expect(
      screen.getByText(/by ada\.platform .*: m1\.xxlarge fits/),
    ).toBeInTheDocument();
    const gpu = screen.getByRole('link', { name: 'gpu' }).closest('tr')!;
    expect(within(gpu).getByText('Pending')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Reject' }),
    ).not.toBeInTheDocument();
  });

  it('reports a refused decision', async () => {
    const alertApi = mockApis.alert();
    await renderRunners(<RequestsPage />, {
      api: mockRunnersApi({
        listRequests: jest.fn().mockResolvedValue([approvalRequest()]),
        approveRequest: jest
          .fn()
          .mockRejectedValue(
            await responseError(
              409,
              'ConflictError',
              'request r1 is already decided',
            ),
          ),
      }),
      allow: approver,
      alertApi,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve' }),
    );
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Approve',
      }),
    );
    const alert = await alertApi.waitForAlert(a => a.severity === 'error');
    expect(alert.message).toBe(
      'Could not decide payments/big-builds: request r1 is already decided',
    );
  });

  it('has empty, loading and error states', async () => {
    const { unmount } = await renderRunners(<RequestsPage />, {
      api: mockRunnersApi(),
      allow: requester,
    });
    expect(
      await screen.findByText('Nothing waits for approval'),
    ).toBeInTheDocument();
    unmount();

    await renderRunners(<RequestsPage />, {
      api: mockRunnersApi({
        listRequests: jest
          .fn()
          .mockRejectedValue(new Error('backend unavailable')),
      }),
      allow: requester,
    });
    expect(
      (await screen.findAllByText(/backend unavailable/)).length,
    ).toBeGreaterThan(0);
  });
});
