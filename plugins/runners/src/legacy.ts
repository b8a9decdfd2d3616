import { Entity } from '@backstage/catalog-model';
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import {
  RunnersClient,
  runnersApiRef,
} from '@runner-fleet/plugin-runners-react';
import {
  RunnerFlavorPicker,
  RunnerFlavorPickerFieldSchema,
  validateRunnerFlavor,
} from './components/RunnerFlavorPicker';
import {
  fleetRouteRef,
  poolRouteRef,
  requestRunnersRouteRef,
  requestsRouteRef,
  rootRouteRef,
} from './routes';

/**
 * Runner Fleet for apps on the legacy frontend system. Mount {@link RunnersPage} at
 * `/runners`, and add {@link EntityCiCapacityCard} and {@link EntityRunnersContent} to the
 * entity pages.
 *
 * @public
 */
export const runnersPlugin = createPlugin({
  id: 'runners',
  apis: [
    createApiFactory({
      api: runnersApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new RunnersClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    pool: poolRouteRef,
    request: requestRunnersRouteRef,
    requests: requestsRouteRef,
    fleet: fleetRouteRef,
  },
});

/**
 * The Runners page (My fleet, pool details, Request runners, Requests, Fleet).
 *
 * @public
 */
export const RunnersPage: () => JSX.Element = runnersPlugin.provide(
  createRoutableExtension({
    name: 'RunnersPage',
    component: () =>
      import('./components/RunnersPage').then(m => m.RunnersPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The CI capacity card for an entity page (inside an `EntityProvider`).
 *
 * @public
 */
export const EntityCiCapacityCard: (props: {
  variant?: 'flex' | 'fullHeight' | 'gridItem';
}) => JSX.Element = runnersPlugin.provide(
  createComponentExtension({
    name: 'EntityCiCapacityCard',
    component: {
      lazy: () =>
        import('./components/entity/EntityCiCapacityCard').then(
          m => m.EntityCiCapacityCardContent,
        ),
    },
  }),
);

/**
 * The CI health card for a group's page (inside an `EntityProvider`): the team's verdict.
 *
 * @public
 */
export const EntityTeamCiHealthCard: (props: {
  variant?: 'flex' | 'fullHeight' | 'gridItem';
}) => JSX.Element = runnersPlugin.provide(
  createComponentExtension({
    name: 'EntityTeamCiHealthCard',
    component: {
      lazy: () =>
        import('./components/entity/EntityTeamCiHealthCard').then(
          m => m.EntityTeamCiHealthCardContent,
        ),
    },
  }),
);

/**
 * The Runners tab content for components and groups (inside an `EntityProvider`).
 *
 * @public
 */
export const EntityRunnersContent: () => JSX.Element = runnersPlugin.provide(
  createComponentExtension({
    name: 'EntityRunnersContent',
    component: {
      lazy: () =>
        import('./components/entity/EntityRunnersTab').then(
          m => m.EntityRunnersTab,
        ),
    },
  }),
);

/**
 * The `RunnerFlavorPicker` scaffolder field: a choice of the standard flavors from the runners
 * API whose value is the flavor name, e.g. `m1.large`; `ui:options.os` (`linux` or `windows`)
 * limits the choice to one OS. Put it inside `<ScaffolderFieldExtensions>` of the
 * `ScaffolderPage`.
 *
 * @public
 */
export const RunnerFlavorPickerFieldExtension = runnersPlugin.provide(
  createScaffolderFieldExtension({
    name: 'RunnerFlavorPicker',
    component: RunnerFlavorPicker,
    validation: validateRunnerFlavor,
    schema: RunnerFlavorPickerFieldSchema.schema,
  }),
);

/**
 * Whether the Runners tab applies to an entity: components and groups. For `EntitySwitch`.
 *
 * @public
 */
export function isRunnersAvailable(entity: Entity): boolean {
  const kind = entity.kind.toLocaleLowerCase('en-US');
  return kind === 'component' || kind === 'group';
}
