import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  ScaffolderFieldExtensions,
  TemplateParameterSchema,
  useCustomFieldExtensions,
} from '@backstage/plugin-scaffolder-react';
import { Stepper } from '@backstage/plugin-scaffolder-react/alpha';
import { JsonObject, JsonValue } from '@backstage/types';
import { EXAMPLE_FLAVOR_CATALOG } from '@runner-fleet/plugin-runners-common/testUtils';
import { RunnersApi, runnersApiRef } from '@runner-fleet/plugin-runners-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockRunnersApi, responseError } from '../../__testUtils__/render';
import { RunnerFlavorPickerFieldExtension } from '../../legacy';

/** The flavor parameter as examples/templates/runner-pool/template.yaml declares it. */
function manifest(uiOptions?: JsonObject): TemplateParameterSchema {
  return {
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
              description: 'The machine shape of each runner VM.',
              'ui:field': 'RunnerFlavorPicker',
              ...(uiOptions ? { 'ui:options': uiOptions } : {}),
            },
          },
        },
      },
    ],
  };
}

/** The scaffolder's template form with the field as a legacy app installs it. */
function TemplateForm(props: {
  manifest: TemplateParameterSchema;
  initialState?: Record<string, JsonValue>;
  onCreate: (values: Record<string, JsonValue>) => Promise<void>;
}) {
  const extensions = useCustomFieldExtensions(
    <ScaffolderFieldExtensions>
      <RunnerFlavorPickerFieldExtension />
    </ScaffolderFieldExtensions>,
  );
  return <Stepper {...props} extensions={extensions} />;
}

function render(
  options: {
    api?: RunnersApi;
    uiOptions?: JsonObject;
    initialState?: Record<string, JsonValue>;
  } = {},
) {
  const api = options.api ?? mockRunnersApi();
  const onCreate = jest.fn().mockResolvedValue(undefined);
  renderInTestApp(
    <TemplateForm
      manifest={manifest(options.uiOptions)}
      initialState={options.initialState}
      onCreate={onCreate}
    />,
    { apis: [[runnersApiRef, api]] },
  );
  return { onCreate };
}

async function openFlavors() {
  await userEvent.click(await screen.findByRole('button', { name: /Flavor/ }));
  return within(screen.getByRole('listbox'));
}

describe('RunnerFlavorPicker', () => {
  beforeAll(() => {
    // The scaffolder's form scrolls to the top on every step; jsdom has no layout to scroll.
    window.scrollTo = jest.fn();
  });

  it('lists the standard flavors from the runners API with their shape and relative cost', async () => {
    const teamShape = {
      ...EXAMPLE_FLAVOR_CATALOG.flavors[0],
      name: 'custom-24c64g',
      custom: true,
    };
    const catalog = {
      ...EXAMPLE_FLAVOR_CATALOG,
      flavors: [...EXAMPLE_FLAVOR_CATALOG.flavors, teamShape],
    };
    render({
      api: mockRunnersApi({ getFlavors: jest.fn().mockResolvedValue(catalog) }),
    });
    const list = await openFlavors();
    expect(list.getAllByRole('option')).toHaveLength(4);
    for (const f of EXAMPLE_FLAVOR_CATALOG.flavors) {
      expect(
        list.getByText(`${f.name} — ${f.description}`),
      ).toBeInTheDocument();
    }
    expect(list.queryByText(/custom-24c64g/)).toBeNull();
    expect(
      list.getByText(
        'Linux · 8 vCPU · 16 GiB memory · 160 GiB disk · 4 job slots · relative cost 2.33×',
      ),
    ).toBeInTheDocument();
    expect(
      list.getByText(
        'Windows · 8 vCPU · 16 GiB memory · 160 GiB disk · 2 job slots · relative cost 3.5×',
      ),
    ).toBeInTheDocument();
  });

  it('offers only the flavors of the OS in ui:options.os', async () => {
    render({ uiOptions: { os: 'windows' } });
    const list = await openFlavors();
    expect(list.getAllByRole('option')).toHaveLength(1);
    expect(list.getByText(/^win\.xlarge — /)).toBeInTheDocument();
  });

  it("shows the server's message when the flavors cannot be loaded, and loads them again on retry", async () => {
    const getFlavors = jest
      .fn()
      .mockRejectedValueOnce(
        await responseError(
          503,
          'ServiceUnavailableError',
          'the flavor catalog is not loaded yet; try again in a minute',
        ),
      )
      .mockResolvedValue(EXAMPLE_FLAVOR_CATALOG);
    render({ api: mockRunnersApi({ getFlavors }) });

    expect(
      await screen.findByText(
        /Could not load the runner flavors: the flavor catalog is not loaded yet; try again in a minute/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    const list = await openFlavors();
    expect(list.getAllByRole('option')).toHaveLength(4);
  });

  it('shows that the flavors are loading', async () => {
    render({
      api: mockRunnersApi({ getFlavors: () => new Promise(() => {}) }),
    });
    expect(await screen.findByText('Loading flavors…')).toBeInTheDocument();
  });

  it('hands the template the name of the chosen flavor', async () => {
    const { onCreate } = render();
    const list = await openFlavors();
    await userEvent.click(list.getByText(/^m1\.xlarge — /));
    expect(
      screen.getByText(
        'Linux · 8 vCPU · 16 GiB memory · 160 GiB disk · 4 job slots · relative cost 2.33×',
      ),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create' }),
    );
    await waitFor(() =>
      expect(onCreate).toHaveBeenCalledWith({ flavor: 'm1.xlarge' }),
    );
  });

  it('does not move on without a flavor', async () => {
    const { onCreate } = render();
    await screen.findByRole('button', { name: /Flavor/ });
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    expect(
      await screen.findAllByText("must have required property 'Flavor'"),
    ).not.toHaveLength(0);
    expect(screen.queryByRole('button', { name: 'Create' })).toBeNull();
    expect(onCreate).not.toHaveBeenCalled();
  });

  it('rejects a flavor that is not offered for the OS, such as one from the URL', async () => {
    const { onCreate } = render({
      uiOptions: { os: 'windows' },
      initialState: { flavor: 'm1.large' },
    });
    expect(
      await screen.findByText(
        "'m1.large' is not offered for windows; choose another flavor.",
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    expect(
      await screen.findAllByText(
        "Flavor 'm1.large' is not offered for windows; choose one of win.xlarge.",
      ),
    ).not.toHaveLength(0);
    expect(screen.queryByRole('button', { name: 'Create' })).toBeNull();
    expect(onCreate).not.toHaveBeenCalled();
  });
});
