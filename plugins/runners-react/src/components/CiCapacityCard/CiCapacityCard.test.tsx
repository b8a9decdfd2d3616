import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { POOLS_ANNOTATION } from '@runner-fleet/plugin-runners-common';
import { screen, within } from '@testing-library/react';
import { poolHealth, teamHealth } from '../../__fixtures__/health';
import { RunnersApi, runnersApiRef } from '../../api';
import { CiCapacityCard } from './CiCapacityCard';

function component(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payment-gateway', annotations },
    spec: { owner: 'payments', type: 'service' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  };
}

const builds = poolHealth();
const deploys = poolHealth({
  poolId: 'p-deploys',
  name: 'deploys',
  state: 'provisioning',
  stateReason: 'waiting for 2 VMs',
  replicas: { desired: 2, current: 1, ready: 0, min: 0, max: 4 },
  utilization: { busySlots: 0, totalSlots: 0, now: 0 },
});
const searchBuilds = poolHealth({
  poolId: 'p-search-builds',
  team: 'search',
  name: 'builds',
});
const searchGpu = poolHealth({ poolId: 'p-gpu', team: 'search', name: 'gpu' });

function render(entity: Entity, api: Partial<RunnersApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[runnersApiRef, api]]}>
      <CiCapacityCard
        entity={entity}
        requestRunnersLink="/runners/request"
        poolLink={p => `/runners/pools/${p.poolId}`}
      />
    </TestApiProvider>,
  );
}

describe('CiCapacityCard', () => {
  it("shows the owner team's pools without the annotation", async () => {
    const listTeamHealth = jest
      .fn()
      .mockResolvedValue([teamHealth('payments', [builds, deploys])]);
    await render(component(), { listTeamHealth });

    expect(listTeamHealth).toHaveBeenCalledWith({ team: 'payments' });
    expect(
      await screen.findByText('Runner pools of team payments'),
    ).toBeInTheDocument();
    const rows = screen.getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(
      within(rows[1]).getByRole('link', { name: 'builds' }),
    ).toHaveAttribute('href', '/runners/pools/p-builds');
    expect(within(rows[1]).getByText('Ready')).toBeInTheDocument();
    expect(within(rows[1]).getByText('2 / 3')).toBeInTheDocument();
    expect(within(rows[1]).getByText('50%')).toBeInTheDocument();
    expect(within(rows[1]).getByText('1 min 15 s')).toBeInTheDocument();
    expect(within(rows[2]).getByText('Provisioning')).toBeInTheDocument();
    expect(within(rows[2]).getByText('0 / 2')).toBeInTheDocument();
  });

  it('shows the pools named by the annotation, own team first, and reports unknown names', async () => {
    const listTeamHealth = jest
      .fn()
      .mockResolvedValue([
        teamHealth('payments', [builds, deploys]),
        teamHealth('search', [searchBuilds, searchGpu]),
      ]);
    await render(
      component({ [POOLS_ANNOTATION]: 'builds, search/gpu, nightly' }),
      { listTeamHealth },
    );

    expect(listTeamHealth).toHaveBeenCalledWith();
    expect(
      await screen.findByText(`Pools named by ${POOLS_ANNOTATION}`),
    ).toBeInTheDocument();
    const links = screen.getAllByRole('link').map(l => l.getAttribute('href'));
    expect(links).toEqual(['/runners/pools/p-builds', '/runners/pools/p-gpu']);
    expect(
      screen.getByText('Not found or not visible to you: nightly'),
    ).toBeInTheDocument();
  });

  it('offers to request runners when the team has none', async () => {
    await render(component(), {
      listTeamHealth: jest.fn().mockResolvedValue([]),
    });
    expect(await screen.findByText('No runners yet')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Request runners' }),
    ).toHaveAttribute('href', '/runners/request?team=payments');
  });

  it('shows a loading state, then the error from the backend', async () => {
    let fail: (e: Error) => void = () => {};
    const listTeamHealth = jest.fn(
      () => new Promise<never>((_, reject) => (fail = reject)),
    );
    await render(component(), { listTeamHealth });
    expect(screen.getByTestId('progress')).toBeInTheDocument();

    fail(
      await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'ServiceUnavailableError',
              message: 'fleet cache not synced',
            },
          }),
          { status: 503, headers: { 'Content-Type': 'application/json' } },
        ),
      ),
    );
    expect(
      await screen.findByText(/fleet cache not synced/),
    ).toBeInTheDocument();
  });
});
