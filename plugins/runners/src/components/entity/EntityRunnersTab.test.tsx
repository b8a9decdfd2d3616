import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { POOLS_ANNOTATION } from '@runner-fleet/plugin-runners-common';
import { screen } from '@testing-library/react';
import { health, team } from '../../__testUtils__/fixtures';
import { mockRunnersApi, renderRunners } from '../../__testUtils__/render';
import { EntityCiCapacityCardContent } from './EntityCiCapacityCard';
import { EntityRunnersTab } from './EntityRunnersTab';
import { EntityTeamCiHealthCardContent } from './EntityTeamCiHealthCard';

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments' },
  spec: { type: 'team' },
};

const gateway = (annotations?: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payment-gateway', annotations },
  spec: { owner: 'payments' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
});

describe('entity extensions', () => {
  it("shows a group's own pools on its Runners tab, linking back with the entity", async () => {
    const listTeamHealth = jest
      .fn()
      .mockResolvedValue([team('payments', [health()])]);
    await renderRunners(
      <EntityProvider entity={payments}>
        <EntityRunnersTab />
      </EntityProvider>,
      { api: mockRunnersApi({ listTeamHealth }) },
    );
    expect(
      await screen.findByText('Runner pools of team payments'),
    ).toBeInTheDocument();
    expect(listTeamHealth).toHaveBeenCalledWith({ team: 'payments' });
    expect(screen.getByRole('link', { name: 'builds' })).toHaveAttribute(
      'href',
      '/runners/pools/p-builds?entity=group%3Adefault%2Fpayments',
    );
  });

  it('offers to request runners on a tab without pools', async () => {
    await renderRunners(
      <EntityProvider entity={gateway()}>
        <EntityRunnersTab />
      </EntityProvider>,
      { api: mockRunnersApi() },
    );
    expect(await screen.findByText('No runners yet')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Request runners' }),
    ).toHaveAttribute('href', '/runners/request?team=payments');
  });

  it('shows the annotated pools in the CI capacity card of a component', async () => {
    const other = health({ poolId: 'p-gpu', team: 'search', name: 'gpu' });
    await renderRunners(
      <EntityProvider entity={gateway({ [POOLS_ANNOTATION]: 'search/gpu' })}>
        <EntityCiCapacityCardContent />
      </EntityProvider>,
      {
        api: mockRunnersApi({
          listTeamHealth: jest
            .fn()
            .mockResolvedValue([
              team('payments', [health()]),
              team('search', [other]),
            ]),
        }),
      },
    );
    expect(await screen.findByRole('link', { name: 'gpu' })).toHaveAttribute(
      'href',
      '/runners/pools/p-gpu?entity=component%3Adefault%2Fpayment-gateway',
    );
    expect(
      screen.queryByRole('link', { name: 'builds' }),
    ).not.toBeInTheDocument();
  });

  it("puts the team's verdict on a group's overview, and offers runners to a team without pools", async () => {
    const listTeamHealth = jest
      .fn()
      .mockResolvedValue([team('payments', [health()])]);
    await renderRunners(
      <EntityProvider entity={payments}>
        <EntityTeamCiHealthCardContent />
      </EntityProvider>,
      { api: mockRunnersApi({ listTeamHealth }) },
    );
    expect(await screen.findByText('CI health')).toBeInTheDocument();
    expect(
      screen.getByRole('region', { name: 'Team verdict' }),
    ).toBeInTheDocument();
    expect(listTeamHealth).toHaveBeenCalledWith({ team: 'payments' });

    await renderRunners(
      <EntityProvider entity={{ ...payments, metadata: { name: 'mobile' } }}>
        <EntityTeamCiHealthCardContent />
      </EntityProvider>,
      { api: mockRunnersApi() },
    );
    expect(
      await screen.findByText('Team mobile has no runner pools yet.'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByRole('button', { name: 'Request runners' }).at(-1),
    ).toHaveAttribute('href', '/runners/request?team=mobile');
  });
});
