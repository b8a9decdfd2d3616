import { Entity } from '@backstage/catalog-model';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { runnersApiRef } from '@runner-fleet/plugin-runners-react';
import { screen } from '@testing-library/react';
import { health, team } from './__testUtils__/fixtures';
import { mockRunnersApi } from './__testUtils__/render';
import {
  ciCapacityEntityCard,
  runnersEntityContent,
  runnersPage,
} from './plugin';

function entity(kind: string, name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name },
    spec:
      kind === 'Component'
        ? { owner: 'payments', type: 'service' }
        : { type: 'team' },
    relations:
      kind === 'Component'
        ? [{ type: 'ownedBy', targetRef: 'group:default/payments' }]
        : [],
  };
}

function render(subject: Entity) {
  return renderTestApp({
    extensions: [
      createTestEntityPage({ entity: subject }),
      runnersPage,
      ciCapacityEntityCard,
      runnersEntityContent,
    ],
    apis: [
      [
        runnersApiRef,
        mockRunnersApi({
          listTeamHealth: jest
            .fn()
            .mockResolvedValue([team('payments', [health()])]),
        }),
      ],
      mockApis.identity({ ownershipEntityRefs: ['group:default/payments'] }),
    ],
  });
}

describe('entity page wiring (default attachment points)', () => {
  it('puts the CI capacity card on the overview of a component and the Runners tab beside it', async () => {
    render(entity('Component', 'payment-gateway'));
    expect(await screen.findByText('CI capacity')).toBeInTheDocument();
    // The entity content renders too: its pools table with the full columns.
    expect(await screen.findByText('Boot time p50')).toBeInTheDocument();
  });

  it('gives groups the Runners tab but no CI capacity card', async () => {
    render(entity('Group', 'payments'));
    expect(
      await screen.findByText('Runner pools of team payments'),
    ).toBeInTheDocument();
    expect(screen.queryByText('CI capacity')).not.toBeInTheDocument();
  });
});
