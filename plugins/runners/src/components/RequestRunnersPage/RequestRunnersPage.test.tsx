import { mockApis } from '@backstage/frontend-test-utils';
import { QuotaUsage } from '@runner-fleet/plugin-runners-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useParams } from 'react-router-dom';
import { pool } from '../../__testUtils__/fixtures';
import {
  mockRunnersApi,
  renderRunners,
  responseError,
} from '../../__testUtils__/render';
import { RequestRunnersPage } from './RequestRunnersPage';

const quota: QuotaUsage = {
  team: 'payments',
  limits: { maxCpu: 128, maxMemoryGiB: 256, maxPools: 10 },
  used: { cpu: 100, memoryGiB: 150, pools: 3 },
};

function PoolPageStub() {
  const { id } = useParams();
  return <p>detail of {id}</p>;
}

function render(
  api = mockRunnersApi(),
  path = '/runners/request?team=payments',
) {
  const alertApi = mockApis.alert();
  const result = renderRunners(
    <Routes>
      <Route path="/runners/request" element={<RequestRunnersPage />} />
      <Route path="/runners/pools/:id" element={<PoolPageStub />} />
    </Routes>,
    { api, path, teams: ['payments', 'mobile'], alertApi },
  );
  return { result, alertApi };
}

/** Types into a text field at once and leaves it, which lets its messages show. */
function type(label: string, value: string) {
  const input = screen.getByLabelText(label);
  fireEvent.change(input, { target: { value } });
  fireEvent.blur(input);
}

/** Types into a text field without leaving it. */
function typeOnly(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

function helperOf(label: string): string {
  const input = screen.getByLabelText(label);
  const helper = document.getElementById(`${input.id}-helper-text`);
  return helper?.textContent ?? '';
}

describe('RequestRunnersPage', () => {
  it("validates as you type and shows the server's messages by their fields", async () => {
    const validatePool = jest.fn().mockImplementation(async spec => ({
      errors:
        spec.name === 'builds'
          ? [
              {
                field: 'name',
                message:
                  "team 'payments' already has a pool named 'builds'; pick another name",
              },
            ]
          : [],
      needsApproval: false,
    }));
    render(mockRunnersApi({ validatePool }));
    await screen.findByLabelText('Pool name');

    type('Pool name', 'Builds!');
    expect(helperOf('Pool name')).toMatch(
      /^Pool name 'Builds!' is not allowed/,
    );
    // The group path was never touched: its message waits.
    expect(helperOf('Group path')).toBe('The full path as in the GitLab URL');

    type('Group path', 'engineering/payments');
    type('Pool name', 'builds');
    expect(helperOf('Pool name')).not.toMatch(/not allowed/);
    await waitFor(() =>
      expect(helperOf('Pool name')).toMatch(
        /already has a pool named 'builds'/,
      ),
    );
    expect(validatePool).toHaveBeenLastCalledWith(
      expect.objectContaining({
        team: 'payments',
        name: 'builds',
        flavor: 'm1.large',
      }),
    );
    expect(helperOf('Group path')).toBe('The full path as in the GitLab URL');

    type('Pool name', 'builds-2');
    await waitFor(() =>
      expect(helperOf('Pool name')).not.toMatch(/already has/),
    );
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Create pool' })).toBeEnabled(),
    );
  });

  it('shows a message only once the field is left or the form is submitted', async () => {
    const createPool = jest.fn();
    render(mockRunnersApi({ createPool }));
    await screen.findByLabelText('Pool name');

    typeOnly('Pool name', 'Builds!');
    expect(helperOf('Pool name')).toBe(
      'Lowercase letters, digits and -, e.g. builds',
    );
    expect(screen.queryByText('Fix the marked fields first.')).toBeNull();

    fireEvent.blur(screen.getByLabelText('Pool name'));
    expect(helperOf('Pool name')).toMatch(/^Pool name 'Builds!' is not/);
    expect(helperOf('Group path')).toBe('The full path as in the GitLab URL');

    // Submitting reveals every message and sends nothing.
    await userEvent.click(screen.getByRole('button', { name: 'Create pool' }));
    expect(helperOf('Group path')).toMatch(/needs the GitLab group path/);
    expect(screen.getByText('Fix the marked fields first.')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Create pool' })).toBeDisabled();
    expect(createPool).not.toHaveBeenCalled();
  });

  it('speaks the labels for an inverted range and previews no inverted cost', async () => {
    render();
    await screen.findByLabelText('Pool name');
    type('Min VMs', '5');
    type('Max VMs', '2');
    expect(helperOf('Max VMs')).toBe(
      'Max VMs must be at least Min VMs (5); raise Max VMs or lower Min VMs',
    );
    expect(helperOf('Min VMs')).toBe('Always running, even without jobs');
    expect(document.body.textContent).not.toMatch(/Replicas/);
    expect(document.body.textContent).not.toMatch(/5\.0 to 2\.0/);
    expect(
      screen.getByText(/^Cost: shown once Min VMs and Max VMs/),
    ).toBeInTheDocument();

    type('Max VMs', '5');
    expect(helperOf('Max VMs')).toBe('Reserved against your team quota');
    expect(
      screen.getByText(/^Cost: .* per hour \(m1\.large, 5 VMs;/),
    ).toBeInTheDocument();
  });

  it('offers only the teams the user belongs to, preselecting ?team=', async () => {
    render(mockRunnersApi(), '/runners/request?team=mobile');
    const team = await screen.findByLabelText('Team');
    expect(team).toHaveTextContent('mobile');
    await userEvent.click(team);
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual(['mobile', 'payments']);
  });

  it('bounds a custom flavor and says clearly when it needs approval', async () => {
    const api = mockRunnersApi({
      validatePool: jest.fn().mockResolvedValue({
        errors: [],
        needsApproval: true,
        approvalReasons: ['custom-flavor'],
      }),
    });
    render(api);
    await userEvent.click(
      await screen.findByRole('button', { name: /^Custom/ }),
    );
    expect(helperOf('vCPU')).toBe('2–32; approval above 16');

    type('vCPU', '40');
    expect(helperOf('vCPU')).toBe(
      'vCPU must be a whole number from 2 to 32 vCPU',
    );
    expect(
      screen.queryByText(/^Needs approval: custom flavors/),
    ).not.toBeInTheDocument();

    type('vCPU', '24');
    expect(
      screen.getByText(/^Needs approval: custom flavors above 16 vCPU or 32/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Request approval' }),
    ).toBeInTheDocument();
  });

  it('previews the quota: used + this pool against the limit', async () => {
    render(
      mockRunnersApi({ listQuotas: jest.fn().mockResolvedValue([quota]) }),
    );
    expect(
      await screen.findByText('vCPU: 100 used + 20 this pool = 120 of 128'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Memory: 150 GiB used + 30 GiB this pool = 180 GiB of 256 GiB',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Pools: 3 used + 1 this pool = 4 of 10'),
    ).toBeInTheDocument();

    type('Max VMs', '8');
    expect(
      screen.getByText('vCPU: 100 used + 32 this pool = 132 of 128'),
    ).toBeInTheDocument();
    expect(screen.getByText('Over the limit by 4')).toBeInTheDocument();
    expect(screen.getByText(/does not fit the team quota/)).toBeInTheDocument();
    // Over quota asks the platform team instead of blocking the request.
    expect(screen.getByText(/more than the team quota/)).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Request approval' }),
    ).toBeInTheDocument();
  });

  it('previews the clone storage a Windows pool reserves against the team’s storage quota', async () => {
    render(
      mockRunnersApi({
        listQuotas: jest.fn().mockResolvedValue([
          {
            ...quota,
            limits: { ...quota.limits, maxStorageGiB: 640 },
            used: { ...quota.used, storageGiB: 320 },
          },
        ]),
      }),
    );
    expect(
      await screen.findByText(
        'Clone storage (Windows disks): 320 GiB used + 0 GiB this pool = 320 GiB of 640 GiB',
      ),
    ).toBeInTheDocument();
  });

  it('submits the spec and opens the new pool', async () => {
    const createPool = jest.fn().mockResolvedValue({
      pool: pool({ id: 'p-new', name: 'builds-2', state: 'provisioning' }),
    });
    const { alertApi } = render(mockRunnersApi({ createPool }));
    await screen.findByLabelText('Pool name');
    type('Pool name', 'builds-2');
    type('Group path', 'engineering/payments');
    type(
      'Why your team needs it',
      ' nightly builds outgrew the shared runners ',
    );
    const tags = screen.getByLabelText('Tags');
    await userEvent.type(tags, 'docker{enter}');

    const submit = screen.getByRole('button', { name: 'Create pool' });
    await waitFor(() => expect(submit).toBeEnabled());
    await userEvent.click(submit);

    expect(await screen.findByText('detail of p-new')).toBeInTheDocument();
    expect(createPool).toHaveBeenCalledWith({
      team: 'payments',
      name: 'builds-2',
      description: undefined,
      reason: 'nightly builds outgrew the shared runners',
      flavor: 'm1.large',
      autoscaling: {
        minReplicas: 1,
        maxReplicas: 5,
        targetUtilization: 0.3,
        scaleToZero: false,
        burst: false,
        burstMaxReplicas: undefined,
      },
      gitlab: {
        scope: { type: 'group', path: 'engineering/payments' },
        tags: ['linux', 'docker'],
        runUntagged: true,
      },
    });
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        message: 'Pool builds-2 is being provisioned.',
      }),
    ]);
  });

  it('keeps the form and reports why the backend refused it', async () => {
    const createPool = jest
      .fn()
      .mockRejectedValue(
        await responseError(
          403,
          'NotAllowedError',
          "you are not a member of 'payments'",
        ),
      );
    const { alertApi } = render(mockRunnersApi({ createPool }));
    await screen.findByLabelText('Pool name');
    type('Pool name', 'builds-2');
    type('Group path', 'engineering/payments');
    const submit = screen.getByRole('button', { name: 'Create pool' });
    await waitFor(() => expect(submit).toBeEnabled());
    await userEvent.click(submit);
    const alert = await alertApi.waitForAlert(a => a.severity === 'error');
    expect(alert.message).toBe(
      "Could not request the pool: you are not a member of 'payments'",
    );
    expect(screen.getByLabelText('Pool name')).toHaveValue('builds-2');
  });

  it('explains the empty state when the user has no team', async () => {
    renderRunners(<RequestRunnersPage />, { api: mockRunnersApi(), teams: [] });
    expect(
      await screen.findByText('You are not in a team yet'),
    ).toBeInTheDocument();
  });
});
