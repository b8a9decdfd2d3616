/*
 * One backend replica for multi-replica tests, run as its own OS process:
 *
 *   node -r @backstage/cli-node/config/nodeTransform.cjs replicaBackend.ts
 *
 * with RUNNER_FLEET_REPLICA (JSON, see ReplicaSettings). It is the real backend of
 * @backstage/backend-defaults (database, scheduler, HTTP server, lifecycle) with the runners
 * plugin and the example permission policy; only sign-in is replaced: callers present
 * `mockCredentials.user.header(ref)` tokens, and team membership and the catalog's groups come from
 * the settings. Test-only: never add this to a runtime entry point.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { RunnersFleetPolicyForTests } from './policyPermissions';

/** What the test hands a replica process in the RUNNER_FLEET_REPLICA variable. */
export interface ReplicaSettings {
  /** The whole app config (backend.listen.port, backend.database, runners, ...). */
  config: NonNullable<
    Parameters<typeof mockServices.rootConfig.factory>[0]
  >['data'];
  /** User entity ref → the group refs the user belongs to. */
  memberships: Record<string, string[]>;
  /** Catalog groups (team names) that exist. */
  teams: string[];
}

function readSettings(): ReplicaSettings {
  const raw = process.env.RUNNER_FLEET_REPLICA;
  if (!raw) {
    throw new Error(
      'RUNNER_FLEET_REPLICA is not set: pass the replica settings as JSON (config, memberships, teams)',
    );
  }
  return JSON.parse(raw) as ReplicaSettings;
}

const settings = readSettings();

const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(settings.memberships[ref] ?? [])],
      };
    },
  }),
});

const backend = createBackend();
backend.add(mockServices.rootConfig.factory({ data: settings.config }));
backend.add(mockServices.auth.factory());
backend.add(
  mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
);
backend.add(userInfoFactory);
backend.add(RunnersFleetPolicyForTests.factory(settings.memberships));
backend.add(
  catalogServiceMock.factory({
    entities: settings.teams.map(name => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default' },
      spec: { type: 'team', children: [] },
    })),
  }),
);
backend.add(import('@runner-fleet/plugin-runners-backend'));
backend.start().catch(error => {
  process.stderr.write(`replica failed to start: ${error.stack ?? error}\n`);
  process.exit(1);
});
