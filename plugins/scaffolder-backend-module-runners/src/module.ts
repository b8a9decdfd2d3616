import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { runnersServiceRef } from '@runner-fleet/plugin-runners-node';
import {
  createRunnersPoolCreateAction,
  createRunnersPoolDeleteAction,
  createRunnersPoolWaitAction,
} from './actions';

/**
 * Registers `runners:pool:create`, `runners:pool:wait` and `runners:pool:delete` with the
 * scaffolder. The actions call the runners backend through {@link @runner-fleet/plugin-runners-node#runnersServiceRef} on behalf
 * of the user who runs the template.
 *
 * @public
 */
export const runnersScaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'runners',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        runners: runnersServiceRef,
        config: coreServices.rootConfig,
      },
      async init({ scaffolderActions, runners, config }) {
        const appBaseUrl = config.getString('app.baseUrl');
        scaffolderActions.addActions(
          createRunnersPoolCreateAction({ runners, appBaseUrl }),
          createRunnersPoolWaitAction({ runners }),
          createRunnersPoolDeleteAction({ runners }),
        );
      },
    });
  },
});
