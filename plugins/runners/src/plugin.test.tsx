import { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { runnerFlavorPickerFormField as flavorPickerField } from './components/RunnerFlavorPicker/formField';
import plugin, {
  EntityCiCapacityCard,
  EntityTeamCiHealthCard,
  EntityRunnersContent,
  RunnerFlavorPickerFieldExtension,
  RunnersPage,
  isRunnersAvailable,
  runnersPlugin,
} from './index';
import {
  ciCapacityEntityCard,
  teamCiHealthEntityCard,
  runnerFlavorPickerFormField,
  runnersEntityContent,
  runnersPage,
} from './plugin';

const entity = (kind: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x' },
});

describe('runners plugin', () => {
  it('provides the API, page, entity card, entity tab and template field to the new frontend system', () => {
    expect(plugin.pluginId).toBe('runners');
    const ids = [
      'api:runners',
      'page:runners',
      'entity-card:runners/ci-capacity',
      'entity-card:runners/team-ci-health',
      'entity-content:runners/runners',
      'scaffolder-form-field:runners/runner-flavor-picker',
    ] as const;
    for (const id of ids) {
      expect(plugin.getExtension(id)).toBeDefined();
    }
  });

  it('mounts the page at /runners with a title and icon, which makes it the Runners nav item', () => {
    const page = createExtensionTester(runnersPage);
    expect(page.get(coreExtensionData.routePath)).toBe('/runners');
    expect(page.get(coreExtensionData.title)).toBe('Runners');
    expect(page.get(coreExtensionData.icon)).toBeDefined();
  });

  it('puts the CI capacity card on components only, and the Runners tab on components and groups', () => {
    const card = createExtensionTester(ciCapacityEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    expect(card?.(entity('Component'))).toBe(true);
    expect(card?.(entity('Group'))).toBe(false);

    const teamCard = createExtensionTester(teamCiHealthEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    expect(teamCard?.(entity('Group'))).toBe(true);
    expect(teamCard?.(entity('Component'))).toBe(false);

    const tab = createExtensionTester(runnersEntityContent);
    const filter = tab.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(tab.get(coreExtensionData.routePath)).toBe('/runners');
    expect(tab.get(EntityContentBlueprint.dataRefs.title)).toBe('Runners');
    expect(filter?.(entity('Component'))).toBe(true);
    expect(filter?.(entity('Group'))).toBe(true);
    expect(filter?.(entity('API'))).toBe(false);
  });

  it("gives the scaffolder's form fields the RunnerFlavorPicker field", async () => {
    const load = createExtensionTester(runnerFlavorPickerFormField).get(
      FormFieldBlueprint.dataRefs.formFieldLoader,
    );
    expect(await load()).toBe(flavorPickerField);
  });

  it('keeps the legacy exports for older apps', () => {
    expect(runnersPlugin.getId()).toBe('runners');
    expect(RunnersPage).toBeDefined();
    expect(EntityCiCapacityCard).toBeDefined();
    expect(EntityTeamCiHealthCard).toBeDefined();
    expect(EntityRunnersContent).toBeDefined();
    expect(RunnerFlavorPickerFieldExtension).toBeDefined();
    expect(isRunnersAvailable(entity('Group'))).toBe(true);
    expect(isRunnersAvailable(entity('API'))).toBe(false);
  });
});
