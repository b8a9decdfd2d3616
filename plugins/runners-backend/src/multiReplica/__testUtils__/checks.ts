import { GitLabEmulator } from '@runner-fleet/gitlab-emulator';
import { Knex } from 'knex';
import { poolIdFromDescription } from '@runner-fleet/plugin-runners-node';
import { ClusterClient } from '../../provisioning/ClusterClient';
import { RenderedKind } from '../../provisioning/render';
import { Caller, Intent, ReplicaApi } from './storm';

/** Where to look for what a pool left behind. */
export interface Observers {
  api: ReplicaApi;
  kube: ClusterClient;
  kinds: RenderedKind[];
  poolLabel: string;
  teamLabel: string;
  teams: string[];
  emulator: GitLabEmulator;
  developer: Caller;
}

/** How far the fleet is from the storm's last intents. */
export interface Convergence {
  converged: number;
  runnersLive: number;
  /** Runners and Kubernetes objects of no live pool. */
  orphans: number;
  problems: string[];
}

const sameTags = (a: string[], b: string[]) =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/**
 * Compares every pool with its last intent through the API, the GitLab emulator and the
 * Kubernetes API: a live pool is ready with the intended spec and exactly its one runner; a
 * deleted pool is gone everywhere; nothing labelled for a team belongs to a pool that is not live.
 */
export async function checkConvergence(
  intents: Intent[],
  o: Observers,
): Promise<Convergence> {
  const problems: string[] = [];
  const live = new Set(intents.filter(i => !i.deleted).map(i => i.id));
  const runners = (await o.emulator.control.runners()).flatMap(r => {
    const poolId = poolIdFromDescription(r.description ?? '');
    return poolId ? [{ id: r.id, poolId }] : [];
  });
  const objects = (
    await Promise.all(
      o.teams.flatMap(team =>
        o.kinds.map(kind => o.kube.list(kind, { [o.teamLabel]: team })),
      ),
    )
  ).flat();
  const objectsOf = (poolId: string) =>
    objects.filter(x => x.metadata.labels?.[o.poolLabel] === poolId);

  let converged = 0;
  for (const intent of intents) {
    const before = problems.length;
    const say = (what: string) =>
      problems.push(`${intent.name} (${intent.id}): ${what}`);
    const res = await o.api.call(o.developer, 'GET', `/pools/${intent.id}`);
    const mine = runners.filter(r => r.poolId === intent.id);
    if (intent.deleted) {
      if (res.status !== 404)
        say(`deleted, but GET answers ${res.status} ${res.body?.state}`);
      if (mine.length) say(`deleted, but ${mine.length} GitLab runner(s) left`);
      if (objectsOf(intent.id).length)
        say(
          `deleted, but ${objectsOf(intent.id)
            .map(x => `${x.kind}/${x.metadata.name}`)
            .join(', ')} left`,
        );
    } else {
      const pool = res.body;
      if (res.status !== 200) say(`live, but GET answers ${res.status}`);
      else {
        if (pool.state !== 'ready')
          say(`state ${pool.state} (${pool.stateReason}), want ready`);
        if (pool.observedGeneration !== pool.generation)
          say(
            `observedGeneration ${pool.observedGeneration} of ${pool.generation}`,
          );
        if (pool.pendingSpec) say('a change still waits for approval');
        if (!sameTags(pool.spec.gitlab.tags ?? [], intent.tags))
          say(`tags ${pool.spec.gitlab.tags}, want ${intent.tags}`);
        if (pool.spec.autoscaling.maxReplicas !== intent.maxReplicas)
          say(
            `maxReplicas ${pool.spec.autoscaling.maxReplicas}, want ${intent.maxReplicas}`,
          );
        if (mine.length !== 1)
          say(`${mine.length} GitLab runners, want exactly 1`);
        else if (mine[0].id !== pool.gitlabRunnerId)
          say(
            `runner ${mine[0].id} is not the recorded ${pool.gitlabRunnerId}`,
          );
        if (!objectsOf(intent.id).length) say('no Kubernetes objects');
      }
    }
    if (problems.length === before) converged += 1;
  }

  const strayRunners = runners.filter(r => !live.has(r.poolId));
  const strayObjects = objects.filter(
    x => !live.has(x.metadata.labels?.[o.poolLabel] ?? ''),
  );
  for (const r of strayRunners)
    problems.push(`orphan GitLab runner ${r.id} of pool ${r.poolId}`);
  for (const x of strayObjects)
    problems.push(
      `orphan ${x.kind} ${x.metadata.namespace}/${x.metadata.name} of pool ${
        x.metadata.labels?.[o.poolLabel]
      }`,
    );
  return {
    converged,
    runnersLive: runners.filter(r => live.has(r.poolId)).length,
    orphans: strayRunners.length + strayObjects.length,
    problems,
  };
}

/**
 * Reads every pool's events from the plugin database (deleted pools included: the API answers
 * 404 for them) and reports steps backwards: after `deleting` only `deleting` or `deleted`; after
 * `deleted` nothing; a pool whose delete was never asked for never shows either.
 */
export async function checkEvents(
  db: Knex,
  intents: Intent[],
): Promise<{ events: number; problems: string[] }> {
  const rows: Array<{ pool_id: string; state: string; reason: string }> =
    await db('runners_pool_events')
      .whereIn(
        'pool_id',
        intents.map(i => i.id),
      )
      .orderBy('id')
      .select('pool_id', 'state', 'reason');
  const problems: string[] = [];
  for (const intent of intents) {
    const states = rows.filter(r => r.pool_id === intent.id).map(r => r.state);
    const firstDeleting = states.findIndex(
      s => s === 'deleting' || s === 'deleted',
    );
    if (!intent.deleted && firstDeleting >= 0) {
      problems.push(`${intent.name}: never deleted, yet events ${states}`);
      continue;
    }
    if (firstDeleting < 0) continue;
    const after = states.slice(firstDeleting);
    const backwards = after.some(
      (s, i) =>
        !['deleting', 'deleted'].includes(s) ||
        (i > 0 && after[i - 1] === 'deleted'),
    );
    if (backwards)
      problems.push(`${intent.name}: events step backwards: ${states}`);
  }
  return { events: rows.length, problems };
}
