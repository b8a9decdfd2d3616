import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// The test runs the real runners backend next to the scaffolder; runtime code only uses -node.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import runnersPlugin from '@runner-fleet/plugin-runners-backend';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import runnersScaffolderModule from '..';

/*
 * The real scaffolder backend with this module and the real runners backend, the example org's
 * teams and the example template in a mock catalog, acting as Priya of the payments team.
 */

export const TEMPLATE_FILE = resolve(
  __dirname,
  '../../../../examples/templates/runner-pool/template.yaml',
);
export const PRIYA = 'user:default/priya.payments';
export const WAITING =
  'waiting: a primary cluster (runners.clusters) is not configured';

export type TaskEvent = {
  type: string;
  body: { message?: string; stepId?: string; status?: string };
};

const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

/** The example template as the catalog reads it; `shortWait` makes its wait fit a test. */
export function template(options: { shortWait?: boolean } = {}): Entity {
  const entity: Entity = yaml.parse(readFileSync(TEMPLATE_FILE, 'utf8'));
  entity.metadata.annotations = {
    'backstage.io/managed-by-location': `file:${TEMPLATE_FILE}`,
  };
  if (!options.shortWait) return entity;
  const steps = entity.spec!.steps as Array<{
    id: string;
    input: Record<string, unknown>;
  }>;
  Object.assign(steps.find(s => s.id === 'wait')!.input, {
    timeoutSeconds: 2,
    pollSeconds: 0.2,
  });
  return entity;
}

/** Starts both backends; the catalog holds the template with a short wait. */
export async function startScaffolderWithRunners() {
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      runnersScaffolderModule,
      runnersPlugin,
      catalogServiceMock.factory({
        entities: [
          group('payments'),
          group('search'),
          template({ shortWait: true }),
        ],
      }),
      // The runners backend reads team membership from the user's ownership claims.
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () =>
          mockServices.userInfo({
            userEntityRef: PRIYA,
            ownershipEntityRefs: [PRIYA, 'group:default/payments'],
          }),
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://portal.test' },
          // the runners backend derives its scaling-metrics URL from it; discovery uses the test port
          backend: { baseUrl: 'http://localhost:7007' },
          runners: {
            quotas: { default: { maxCpu: 40, maxMemoryGiB: 64, maxPools: 5 } },
          },
        },
      }),
    ],
  });
  const auth = mockCredentials.user.header(PRIYA);
  const get = (path: string) =>
    request(server).get(path).set('Authorization', auth);
  const post = (path: string, body: object) =>
    request(server).post(path).set('Authorization', auth).send(body);

  async function finished(taskId: string) {
    for (let i = 0; i < 200; i++) {
      const { body } = await get(`/api/scaffolder/v2/tasks/${taskId}`);
      if (['completed', 'failed', 'cancelled'].includes(body.status)) {
        const events = await get(`/api/scaffolder/v2/tasks/${taskId}/events`);
        return {
          status: body.status as string,
          events: events.body as TaskEvent[],
        };
      }
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(`task ${taskId} did not finish`);
  }

  async function runTask(taskValues: object) {
    const res = await post('/api/scaffolder/v2/tasks', {
      templateRef: 'template:default/runner-pool',
      values: taskValues,
    });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, ...(await finished(res.body.id)) };
  }

  const pools = async () =>
    (await get('/api/runners/pools?team=payments')).body.items as Array<{
      id: string;
      name: string;
      state: string;
      stateReason: string;
      createdBy: string;
    }>;

  return { get, post, finished, runTask, pools };
}

/** The log lines of one step of a task. */
export const logOf = (events: TaskEvent[], stepId: string) =>
  events
    .filter(e => e.type === 'log' && e.body.stepId === stepId)
    .map(e => e.body.message ?? '')
    .join('\n');
