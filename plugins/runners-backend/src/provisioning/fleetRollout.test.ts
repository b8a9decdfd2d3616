/*
 * A fleet rollout on real parts: the fleet rollout service admits pools, the real reconciler
 * rolls each admitted pool's VMs on a real kube-apiserver (the fleet simulator plays KubeVirt and
 * gitlab-runner, the GitLab emulator holds runners), and both sides share the plugin's database.
 * The test drives what the worker and the scheduled task do: reconcile passes, fleet steps.
 */
import { LABELS } from '@runner-fleet/plugin-runners-common';
import {
  FleetVmi,
  imageOf,
  useFleetRolloutStack,
} from './__testUtils__/fleetRolloutStack';

const { startFleetStack, simulator } = useFleetRolloutStack();

const NEW_IMAGE = 'registry.example.com/runners/ubuntu-24.04:17.7';
const hashOf = (vmi: FleetVmi) => vmi.metadata.labels[LABELS.templateHash];

describe('fleet rollout on the real control plane', () => {
  it('rolls the canary pool first, then the rest within the VM limit (one pool at least), pauses and resumes, and ends with every VM on the new template', async () => {
    // 6 VMs at 34 %: at most 2 VMs' pools roll at once, or one pool alone.
    const sizes = [1, 2, 3];
    const stack = await startFleetStack(sizes);
    const [canary, mid, big] = stack.pools;
    const before = await stack.vmisByPool();
    const oldHashes = Object.fromEntries(
      stack.pools.map(p => [p.id, hashOf(before[p.id][0])]),
    );
    const oldImage = imageOf(before[canary.id][0]);
    expect(oldImage).not.toBe(NEW_IMAGE);

    stack.changeCatalogImage(NEW_IMAGE);
    const started = await stack.service.start(
      { flavor: 'm1.large', canaryPools: 1, maxVmPercent: 34 },
      'user:default/platform',
    );
    const id = started.rollout.id;
    expect(started.rollout.phase).toBe('canary');
    expect(started.rollout.admitted.map(a => a.poolId)).toEqual([canary.id]);

    const sizeOf = (poolId: string) =>
      sizes[stack.pools.findIndex(p => p.id === poolId)];
    const limit = (6 * 34) / 100;
    /** Every state read: which pools were in flight together, and the admission order. */
    const together: string[][] = [];
    const check = (view: Awaited<ReturnType<typeof stack.service.get>>) => {
      const inFlight = view.pools
        .filter(p => p.status === 'rolling')
        .map(p => p.poolId);
      together.push(inFlight);
      const vms = inFlight.reduce((sum, p) => sum + sizeOf(p), 0);
      // Within the limit, or one pool alone (a pool larger than the limit gets its turn).
      expect(inFlight.length <= 1 || vms <= limit).toBe(true);
      // Nothing else is admitted while the canary has not finished.
      const canaryDone =
        view.pools.find(p => p.poolId === canary.id)?.status === 'done';
      expect(
        canaryDone || view.rollout.admitted.every(a => a.poolId === canary.id),
      ).toBe(true);
    };

    // The canary rolls on the real API server; the others keep their VMs meanwhile.
    const canaryDone = await stack.drive(
      'the canary pool rolled',
      id,
      view => view.pools.find(p => p.poolId === canary.id)?.status === 'done',
      check,
    );
    expect(canaryDone.rollout.admitted.map(a => a.poolId)).toEqual([canary.id]);
    const afterCanary = await stack.vmisByPool();
    expect(afterCanary[canary.id].map(imageOf)).toEqual([NEW_IMAGE]);
    expect(afterCanary[mid.id].map(hashOf)).toEqual([
      oldHashes[mid.id],
      oldHashes[mid.id],
    ]);
    expect((await stack.rollouts.get(canary.id))!.reason).toBe('Complete');

    // Paused: steps and passes admit nothing.
    await stack.service.pause(id);
    for (let i = 0; i < 5; i++) {
      await stack.passes();
      await stack.service.advanceAll();
    }
    const paused = await stack.service.get(id);
    expect(paused.rollout.phase).toBe('paused');
    expect(paused.rollout.admitted.map(a => a.poolId)).toEqual([canary.id]);
    expect((await stack.store.getPool(mid.id))!.flavor.image).toBe(oldImage);

    // Resumed: the next pool is admitted at once, the big one only after it (3 VMs > 2.04).
    const resumed = await stack.service.resume(id);
    expect(resumed.rollout.phase).toBe('rolling');
    expect(resumed.rollout.admitted.map(a => a.poolId)).toEqual([
      canary.id,
      mid.id,
    ]);
    const final = await stack.drive(
      'the fleet rollout complete',
      id,
      view => view.rollout.phase === 'complete',
      check,
    );
    expect(final.rollout.admitted.map(a => a.poolId)).toEqual([
      canary.id,
      mid.id,
      big.id,
    ]);
    expect(final.progress).toMatchObject({ pools: 3, poolsDone: 3 });
    // The big pool rolled alone: never in flight with another pool.
    expect(together.filter(t => t.includes(big.id) && t.length > 1)).toEqual(
      [],
    );
    expect(together.some(t => t.includes(big.id))).toBe(true);

    const after = await stack.vmisByPool();
    for (const [i, pool] of stack.pools.entries()) {
      expect(after[pool.id]).toHaveLength(sizes[i]);
      for (const vmi of after[pool.id]) {
        expect(imageOf(vmi)).toBe(NEW_IMAGE);
        expect(hashOf(vmi)).not.toBe(oldHashes[pool.id]);
      }
      expect(await stack.rollouts.get(pool.id)).toMatchObject({
        phase: 'stable',
        reason: 'Complete',
        replaced: sizes[i],
      });
    }
    expect(
      simulator()
        .events()
        .filter(e => e.type === 'runner-jobs-cut'),
    ).toEqual([]);
  }, 240_000);
});
