import {
  convertLegacyRouteRef,
  convertLegacyRouteRefs,
} from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import DirectionsRunIcon from '@material-ui/icons/DirectionsRun';
import {
  RunnersClient,
  runnersApiRef,
} from '@runner-fleet/plugin-runners-react';
import {
  fleetRouteRef,
  poolRouteRef,
  requestRunnersRouteRef,
  requestsRouteRef,
  rootRouteRef,
} from './routes';

/** The runners API client. */
export const runnersApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: runnersApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new RunnersClient({ discoveryApi, fetchApi }),
    }),
});

/** The Runners page at /runners; with a title and icon it is also the "Runners" nav item. */
export const runnersPage = PageBlueprint.make({
  params: {
    path: '/runners',
    title: 'Runners',
    icon: <DirectionsRunIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    // The page brings its own header with the My fleet / Request / Requests / Fleet tabs.
    noHeader: true,
    loader: () =>
      import('./components/RunnersPage').then(m => <m.RunnersPage />),
  },
});

/** "CI capacity" on the overview of every component. */
export const ciCapacityEntityCard = EntityCardBlueprint.make({
  name: 'ci-capacity',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('./components/entity/EntityCiCapacityCard').then(m => (
        <m.EntityCiCapacityCardContent />
      )),
  },
});

/** "CI health" on the overview of every group: the team's verdict, runners, jobs, cost. */
export const teamCiHealthEntityCard = EntityCardBlueprint.make({
  name: 'team-ci-health',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('./components/entity/EntityTeamCiHealthCard').then(m => (
        <m.EntityTeamCiHealthCardContent />
      )),
  },
});

/** The "Runners" tab of components and groups. */
export const runnersEntityContent = EntityContentBlueprint.make({
  name: 'runners',
  params: {
    path: '/runners',
    title: 'Runners',
    filter: { kind: { $in: ['component', 'group'] } },
    loader: () =>
      import('./components/entity/EntityRunnersTab').then(m => (
        <m.EntityRunnersTab />
      )),
  },
});

/**
 * The `RunnerFlavorPicker` field for software templates; it joins the scaffolder's form fields.
 */
export const runnerFlavorPickerFormField = FormFieldBlueprint.make({
  name: 'runner-flavor-picker',
  params: {
    field: () =>
      import('./components/RunnerFlavorPicker/formField').then(
        m => m.runnerFlavorPickerFormField,
      ),
  },
});

/**
 * Runner Fleet for the new frontend system: the Runners page and nav item, the runners API,
 * the CI capacity entity card, the Runners entity tab and the `RunnerFlavorPicker` template field.
 *
 * @public
 */
export const runnersFrontendPlugin = createFrontendPlugin({
  pluginId: 'runners',
  title: 'Runners',
  icon: <DirectionsRunIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: convertLegacyRouteRefs({
    root: rootRouteRef,
    pool: poolRouteRef,
    request: requestRunnersRouteRef,
    requests: requestsRouteRef,
    fleet: fleetRouteRef,
  }),
  extensions: [
    runnersApi,
    runnersPage,
    ciCapacityEntityCard,
    teamCiHealthEntityCard,
    runnersEntityContent,
    runnerFlavorPickerFormField,
  ],
});
