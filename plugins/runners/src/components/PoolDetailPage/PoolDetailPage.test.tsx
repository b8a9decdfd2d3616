import { mockApis } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { healthDetail, pool } from '../../__testUtils__/fixtures';
import {
  mockRunnersApi,
  renderRunners,
  responseError,
} from '../../__testUtils__/render';
import { PoolDetailPage } from './PoolDetailPage';

const at = {
  mountPath: '/runners/pools/:id',
  path: '/runners/pools/p-builds',
};

describe('PoolDetailPage', () => {
  it('shows VMs, scaler, burst, timeline, 24 h charts and links out', async () => {
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(pool()),
      getPoolHealth: jest.fn().mockResolvedValue(healthDetail()),
    });
    await renderRunners(<PoolDetailPage />, {
      api,
      ...at,
      config: { runners: { gitlabBaseUrl: 'https://gitlab.example.com/' } },
    });

    expect(await screen.findByText('builds-vm-a')).toBeInTheDocument();
    const vmA = screen.getByText('builds-vm-a').closest('tr')!;
    expect(within(vmA).getByText('Running')).toBeInTheDocument();
    expect(within(vmA).getByText('online')).toBeInTheDocument();
    expect(within(vmA).getByText('#1001')).toBeInTheDocument();
    const vmB = screen.getByText('builds-vm-b').closest('tr')!;
    expect(within(vmB).getByText('not registered yet')).toBeInTheDocument();
    expect(within(vmB).getByText('idle')).toBeInTheDocument();

    expect(screen.getByText('active, wants 3 VMs')).toBeInTheDocument();
    expect(screen.getByText('2 / 3 (min 1, max 5)')).toBeInTheDocument();
    expect(screen.getByText('scaled from 1 to 3 VMs')).toBeInTheDocument();
    expect(screen.getByText('Utilisation, last 24 h')).toBeInTheDocument();
    expect(screen.getByText(/^Peak 80% at/)).toBeInTheDocument();
    expect(
      screen.getByText(/^Longest p95 wait 2 min 10 s at/),
    ).toBeInTheDocument();

    expect(
      screen.getByRole('link', { name: /GitLab runner #42/ }),
    ).toHaveAttribute('href', 'https://gitlab.example.com/admin/runners/42');
    expect(
      screen.getByRole('link', { name: 'Team payments in the catalog' }),
    ).toHaveAttribute('href', '/catalog/default/group/payments');
    expect(screen.getByRole('link', { name: 'Kubernetes' })).toHaveAttribute(
      'href',
      '/catalog/default/group/payments/kubernetes',
    );
    // A ready pool shows no progress stepper.
    expect(
      screen.queryByLabelText('Provisioning progress'),
    ).not.toBeInTheDocument();
  });

  it('links to the Kubernetes tab of the entity the user came from, and not to GitLab without its URL', async () => {
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(pool()),
      getPoolHealth: jest.fn().mockResolvedValue(healthDetail()),
    });
    await renderRunners(<PoolDetailPage />, {
      api,
      mountPath: at.mountPath,
      path: `${at.path}?entity=component:default/payment-gateway`,
    });
    expect(
      await screen.findByRole('link', { name: 'Kubernetes' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payment-gateway/kubernetes',
    );
    expect(
      screen.queryByRole('link', { name: /GitLab runner/ }),
    ).not.toBeInTheDocument();
    expect(screen.getByText('GitLab runner #42')).toBeInTheDocument();
  });

  it('shows progress through the states and polls until the pool is ready', async () => {
    const provisioning = pool({
      state: 'provisioning',
      stateReason: 'waiting for 1 of 3 VMs to boot',
      generation: 1,
      observedGeneration: 0,
    });
    const getPool = jest
      .fn()
      .mockResolvedValueOnce(provisioning)
      .mockResolvedValue(pool());
    const getPoolHealth = jest
      .fn()
      .mockResolvedValueOnce(
        healthDetail({
          state: 'provisioning',
          stateReason: 'waiting for 1 of 3 VMs to boot',
        }),
      )
      .mockResolvedValue(healthDetail());
    await renderRunners(<PoolDetailPage />, {
      api: mockRunnersApi({ getPool, getPoolHealth }),
      ...at,
      config: { runners: { provisioningPollSeconds: 0.2 } },
    });

    const progress = await screen.findByLabelText('Provisioning progress');
    expect(within(progress).getByText('Provisioning')).toBeInTheDocument();
    expect(within(progress).getByText('Ready')).toBeInTheDocument();
    expect(
      screen.getAllByText('waiting for 1 of 3 VMs to boot').length,
    ).toBeGreaterThan(0);

    await waitFor(
      () =>
        expect(
          screen.queryByLabelText('Provisioning progress'),
        ).not.toBeInTheDocument(),
      { timeout: 3000 },
    );
    expect(screen.getAllByText('all VMs are ready').length).toBeGreaterThan(0);
    expect(getPool.mock.calls.length).toBeGreaterThan(1);
  });

  it('shows the error when the pool cannot be read, and retries', async () => {
    const getPool = jest
      .fn()
      .mockRejectedValueOnce(
        await responseError(503, 'ServiceUnavailableError', 'database down'),
      )
      .mockResolvedValue(pool());
    const api = mockRunnersApi({
      getPool,
      getPoolHealth: jest.fn().mockResolvedValue(healthDetail()),
    });
    await renderRunners(<PoolDetailPage />, { api, ...at });
    expect(await screen.findByText(/database down/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('builds-vm-a')).toBeInTheDocument();
  });

  it('changes min/max VMs and tags, and reports what happens', async () => {
    const alertApi = mockApis.alert();
    const updatePool = jest.fn().mockResolvedValue({ pool: pool() });
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(pool({ etag: 'W/"p-builds-3"' })),
      getPoolHealth: jest.fn().mockResolvedValue(healthDetail()),
      updatePool,
    });
    await renderRunners(<PoolDetailPage />, { api, alertApi, ...at });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Change' }),
    );

    const dialog = screen.getByRole('dialog');
    const max = within(dialog).getByLabelText('Max VMs');
    await userEvent.clear(max);
    await userEvent.type(max, '0');
    expect(
      within(dialog).getByText(/maxReplicas must be a whole number from 1/),
    ).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Save' })).toBeDisabled();

    await userEvent.clear(max);
    await userEvent.type(max, '8');
    const tags = within(dialog).getByLabelText('Tags');
    await userEvent.clear(tags);
    await userEvent.type(tags, 'docker, linux');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(updatePool).toHaveBeenCalled());
    expect(updatePool).toHaveBeenCalledWith(
      'p-builds',
      {
        flavor: 'm1.large',
        autoscaling: { minReplicas: 1, maxReplicas: 8 },
        tags: ['docker', 'linux'],
        runUntagged: pool().spec.gitlab.runUntagged,
      },
      { ifMatch: 'W/"p-builds-3"' },
    );
    await alertApi.waitForAlert(
      a => a.message === 'Applying the change to builds.',
    );
  });

  it("reports the backend's refusal of a change", async () => {
    const alertApi = mockApis.alert();
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(pool()),
      getPoolHealth: jest.fn().mockResolvedValue(healthDetail()),
      updatePool: jest
        .fn()
        .mockRejectedValue(
          await responseError(
            409,
            'ConflictError',
            "quota of team 'payments' exceeded",
          ),
        ),
    });
    await renderRunners(<PoolDetailPage />, { api, alertApi, ...at });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Change' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await alertApi.waitForAlert(a => a.severity === 'error');
    expect(alert.message).toBe(
      "Could not change builds: quota of team 'payments' exceeded",
    );
  });

  it('drains on delete, only after the name is typed', async () => {
    const alertApi = mockApis.alert();
    const deletePool = jest.fn().mockResolvedValue(pool({ state: 'deleting' }));
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(pool()),
      getPoolHealth: jest.fn().mockResolvedValue(healthDetail()),
      deletePool,
    });
    await renderRunners(<PoolDetailPage />, { api, alertApi, ...at });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete' }),
    );
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent(/jobs already running finish first/);
    const confirm = within(dialog).getByRole('button', {
      name: 'Drain and delete',
    });
    expect(confirm).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText('Pool name'), 'builds');
    await userEvent.click(confirm);
    await waitFor(() =>
      expect(deletePool).toHaveBeenCalledWith('p-builds', { force: false }),
    );
    await alertApi.waitForAlert(a => a.severity === 'success');
  });

  it('disables changes for users who may not change the pool', async () => {
    // Another id than the other tests: permission answers are cached per resource.
    const api = mockRunnersApi({
      getPool: jest.fn().mockResolvedValue(pool({ id: 'p-locked' })),
      getPoolHealth: jest.fn().mockResolvedValue(healthDetail()),
    });
    await renderRunners(<PoolDetailPage />, {
      api,
      mountPath: at.mountPath,
      path: '/runners/pools/p-locked',
      allow: name => name === 'runners.pool.read',
    });
    expect(
      await screen.findByRole('button', { name: 'Change' }),
    ).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeDisabled();
  });
});
