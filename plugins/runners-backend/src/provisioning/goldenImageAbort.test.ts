/*
 * Aborting a Windows pool's rollout to a new golden image version (see goldenImageRollout.test.ts)
 * gives the pool its previous pin back with its previous flavor: the rollout records the pin the
 * pool had when it last had no outdated VM, as it records the spec and flavor.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { DatabaseFleetRolloutStore } from '../database/DatabaseFleetRolloutStore';
import { FleetRollouts } from '../fleetRollout/FleetRollouts';
import { KubernetesClusterClient } from './ClusterClient';
import { readGoldenImage, resolveGoldenImage } from './goldenImagePin';
import { teamNamespace } from './render';
import {
  clonedPvcs,
  IMAGES_NAMESPACE,
  moveGoldenImage,
} from './__testUtils__/goldenImage';
import { useRolloutStack } from './__testUtils__/rolloutStack';

const cluster = useTestCluster();
const { startStack } = useRolloutStack();

it('aborting a pool rollout to a new golden image version returns the pool to its previous pin and clones', async () => {
  const admin = cluster.kubeConfig('admin');
  const stack = await startStack({ replicas: 1, os: 'windows' });
  const { team } = stack.pool;
  const old = `golden-${team}`;
  expect((await stack.rollout())!.stableGoldenImage).toMatchObject({
    name: old,
  });
  await moveGoldenImage(admin, `windows-golden-${team}`, `${old}-v2`);
  const client = KubernetesClusterClient.create({
    name: 'local',
    role: 'primary',
    kubeConfig: admin,
  });
  const service = FleetRollouts.create({
    store: stack.store,
    rollouts: stack.rollouts,
    fleetRollouts: await DatabaseFleetRolloutStore.create({
      database: stack.database,
    }),
    catalog: stack.config.catalog,
    goldenImageOf: async image =>
      resolveGoldenImage(
        image,
        await readGoldenImage(client, { flavor: { image } }),
      ),
    logger: mockServices.logger.mock(),
  });
  await service.start({ flavor: 'win.test' }, 'user:default/platform');
  const rolling = await stack.until(
    'the pool rolling to the new version',
    stack.rollout,
    r => r?.phase === 'rolling',
    30_000,
  );
  expect(rolling!.stableGoldenImage).toMatchObject({ name: old });

  // The team aborts the pool's own rollout (not the fleet rollout).
  await stack.abort();
  expect((await stack.store.getPool(stack.pool.id))!.goldenImage).toEqual({
    dataSource: `${IMAGES_NAMESPACE}/windows-golden-${team}`,
    kind: 'pvc',
    namespace: IMAGES_NAMESPACE,
    name: old,
  });
  const aborted = await stack.until(
    'the abort complete',
    stack.rollout,
    r => r?.phase === 'stable' && r.reason === 'Aborted',
    90_000,
  );
  expect(aborted!.stableGoldenImage).toMatchObject({ name: old });
  await stack.until(
    'only clones of the previous version',
    () => clonedPvcs(admin, teamNamespace(team)),
    pvcs => pvcs.length === 1 && pvcs[0] === old,
    30_000,
  );
}, 200_000);
