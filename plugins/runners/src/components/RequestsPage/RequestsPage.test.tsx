import { mockApis } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { approvalRequest } from '../../__testUtils__/fixtures';
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
    await waitFor(() => expect(approveRequest).toHaveBeenCalledWith('r1'));
    await alertApi.waitForAlert(
      a => a.message === 'Approved payments/big-builds.',
    );
    expect(listRequests).toHaveBeenCalledTimes(2);
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
