import { AuditorService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { LABELS } from '@runner-fleet/plugin-runners-common';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { GitLabCiProvider } from '../ci';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  newTeam,
  testRunnersConfig,
  testStore,
  useGitLabEmulator,
} from '../__testUtils__/stack';
import { KubernetesClusterClient } from '../provisioning/ClusterClient';
import { Reconciler } from '../provisioning/Reconciler';
import { renderedKinds } from '../provisioning/render';
import { ApprovalService } from '../service/ApprovalService';
import { PoolPermissions } from '../service/PoolPermissions';
import { PoolService } from '../service/PoolService';
import { Quotas } from '../service/Quotas';

const cluster = useTestCluster();
const databases = createTestDatabases();
const emulator = useGitLabEmulator();

jest.setTimeout(60_000);

/** Records audit events; the services audit every change. */
const auditor: AuditorService = {
  createEvent: async () => ({ success: async () => {}, fail: async () => {} }),
};

async function setup() {
  const team = newTeam();
  // Room for one m1.large pool of 2 VMs (8 vCPU, 12 GiB) and no more.
  const config = testRunnersConfig(emulator.url, {
    quotas: { default: { maxCpu: 8, maxMemoryGiB: 12, maxPools: 5 } },
  });
  const store = await testStore(databases);
  const permissions = PoolPermissions.create({
    permissions: mockServices.permissions(),
  });
  const logger = mockServices.logger.mock();
  const catalog = catalogServiceMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: team, namespace: 'default' },
        spec: { type: 'team', children: [] },
      },
    ],
  });
  const pools = PoolService.create({
    store,
    config,
    permissions,
    catalog,
    auditor,
    logger,
  });
  const approvals = ApprovalService.create({
    store,
    config,
    permissions,
    auditor,
  });
  const client = KubernetesClusterClient.create({
    name: 'local',
    role: 'primary',
    kubeConfig: cluster.kubeConfig('runner-fleet-backend'),
  });
  const reconciler = Reconciler.create({
    store,
    ci: GitLabCiProvider.create({ settings: config.gitlab!, logger }),
    clusters: [client],
    config,
    logger,
  });
  const quotas = new Quotas(config, store);
  const spec = (name: string, maxReplicas: number) => ({
    team,
    name,
    flavor: 'm1.large',
    autoscaling: { minReplicas: 1, maxReplicas },
    gitlab: {
      scope: { type: 'group' as const, path: 'engineering/payments' },
      tags: ['docker'],
    },
  });
  return { team, store, pools, approvals, reconciler, client, quotas, spec };
}

const member = mockCredentials.user('user:default/priya.payments');
const approver = mockCredentials.user('user:default/ada.platform');

describe('a request over quota becomes an approval request', () => {
  it('over quota → approval with the headroom → approved → provisioned', async () => {
    const { team, store, pools, approvals, reconciler, client, quotas, spec } =
      await setup();
    expect((await pools.createPool(spec('small', 1), member)).pool.state).toBe(
      'provisioning',
    );

    const asked = await pools.createPool(spec('big', 3), member);
    expect(asked.pool.state).toBe('pending-approval');
    expect(asked.pool.stateReason).toContain(
      'over quota (vCPU: 4 in use + 12 requested > limit 8; memory: 6 GiB in use + 18 GiB requested > limit 12 GiB; headroom 4 vCPU, 6 GiB, 4 pools)',
    );
    expect(asked.request).toMatchObject({
      reasons: ['over-quota'],
      status: 'pending',
      summary:
        'new pool with flavor m1.large (4 vCPU / 6 GiB), over quota (vCPU: 4 in use + 12 requested > limit 8; memory: 6 GiB in use + 18 GiB requested > limit 12 GiB; headroom 4 vCPU, 6 GiB, 4 pools)',
    });
    // While it waits it holds nothing: the team's usage is its running pool only.
    expect((await quotas.usage(team)).used).toEqual({
      cpu: 4,
      memoryGiB: 6,
      pools: 1,
      storageGiB: 0,
    });

    const decided = await approvals.decideRequest(
      asked.request!.id,
      { approve: true, reason: 'release week' },
      approver,
    );
    expect(decided.status).toBe('approved');
    const approved = (await store.getPool(asked.pool.id))!;
    expect(approved.state).toBe('provisioning');
    expect(approved.reserved).toEqual({ cpu: 12, memoryGiB: 18 });
    expect((await quotas.usage(team)).used).toEqual({
      cpu: 16,
      memoryGiB: 24,
      pools: 2,
      storageGiB: 0,
    });

    await reconciler.reconcile(approved.id);
    const [workloads] = await Promise.all(
      renderedKinds
        .filter(k => k.kind === 'VirtualMachineInstanceReplicaSet')
        .map(k => client.list(k, { [LABELS.pool]: approved.id })),
    );
    expect(workloads).toHaveLength(1);
    expect((await store.getPool(approved.id))!.gitlabRunnerId).toEqual(
      expect.any(Number),
    );
  });

  it('a change over quota waits for approval while the pool runs on; a rejection leaves it as it was', async () => {
    const { pools, approvals, store, spec } = await setup();
    const { pool } = await pools.createPool(spec('builds', 2), member);
    const change = await pools.updatePool(
      pool.id,
      { autoscaling: { minReplicas: 1, maxReplicas: 4 } },
      member,
    );
    expect(change.request).toMatchObject({ reasons: ['over-quota'] });
    // The headroom of a change is what the pool itself may take: the quota beside the others.
    expect(change.request!.summary).toContain(
      'up to 4 VMs, over quota (vCPU: 0 in use + 16 requested > limit 8; memory: 0 GiB in use + 24 GiB requested > limit 12 GiB; headroom 8 vCPU, 12 GiB',
    );
    const waiting = (await store.getPool(pool.id))!;
    expect(waiting.spec.autoscaling.maxReplicas).toBe(2);
    expect(waiting.pendingSpec?.autoscaling.maxReplicas).toBe(4);

    await approvals.decideRequest(
      change.request!.id,
      { approve: false, reason: 'no room this quarter' },
      approver,
    );
    const after = (await store.getPool(pool.id))!;
    expect(after.pendingSpec).toBeUndefined();
    expect(after.reserved).toEqual({ cpu: 8, memoryGiB: 12 });
  });
});
