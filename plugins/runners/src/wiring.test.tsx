import { Entity } from '@backstage/catalog-model';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  catalogApiMock,
  createTestEntityPage,
} from '@backstage/plugin-catalog-react/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import { scaffolderApiRef } from '@backstage/plugin-scaffolder-react';
import { scaffolderApiMock } from '@backstage/plugin-scaffolder-react/testUtils';
import { runnersApiRef } from '@runner-fleet/plugin-runners-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { health, team } from './__testUtils__/fixtures';
import { mockRunnersApi } from './__testUtils__/render';
import runnersPlugin from './index';
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

describe('software templates (the scaffolder of the new frontend system)', () => {
  beforeAll(() => {
    // The template form scrolls to the top on every step; jsdom has no layout to scroll.
    window.scrollTo = jest.fn();
  });

  it("renders RunnerFlavorPicker from the runners plugin and passes the flavor's name to the task", async () => {
    const scaffolderApi = scaffolderApiMock.mock({
      getTemplateParameterSchema: jest.fn().mockResolvedValue({
        title: 'GitLab runner pool',
        steps: [
          {
            title: 'Runners',
            schema: {
              required: ['flavor'],
              properties: {
                flavor: {
                  title: 'Flavor',
                  type: 'string',
                  'ui:field': 'RunnerFlavorPicker',
                },
              },
            },
          },
        ],
      }),
      // Never answers: what matters is what the form hands over, not the task page after it.
      scaffold: jest.fn(() => new Promise<never>(() => {})),
    });
    renderTestApp({
      features: [scaffolderPlugin, runnersPlugin],
      apis: [
        [runnersApiRef, mockRunnersApi()],
        [scaffolderApiRef, scaffolderApi],
        [catalogApiRef, catalogApiMock()],
      ],
      initialRouteEntries: ['/create/templates/default/runner-pool'],
    });

    await userEvent.click(
      // The scaffolder page loads lazily; on a busy machine that takes seconds.
      await screen.findByRole(
        'button',
        { name: /Flavor/ },
        { timeout: 20_000 },
      ),
    );
    await userEvent.click(
      within(screen.getByRole('listbox')).getByText(/^m1\.xlarge — /),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    await userEvent.click(
      await screen.findByRole(
        'button',
        { name: 'Create' },
        { timeout: 20_000 },
      ),
    );
    await waitFor(
      () =>
        expect(scaffolderApi.scaffold).toHaveBeenCalledWith(
          expect.objectContaining({
            templateRef: 'template:default/runner-pool',
            values: { flavor: 'm1.xlarge' },
          }),
        ),
      { timeout: 20_000 },
    );
  }, 60_000);
});
