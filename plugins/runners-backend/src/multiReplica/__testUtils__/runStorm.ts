import { GitLabEmulator } from '@runner-fleet/gitlab-emulator';
import { Knex } from 'knex';
import { ClusterClient } from '../../provisioning/ClusterClient';
import { RenderedKind } from '../../provisioning/render';
import { checkConvergence, checkEvents } from './checks';
import { Replica } from './replicas';
import {
  bump,
  Caller,
  Intent,
  PoolLanes,
  ReplicaApi,
  seeded,
  sleep,
  StormCounts,
} from './storm';

/** How big the storm is. */
export interface StormPlan {
  seed: number;
  /** Creates issued (more than the quota allows, so some are refused). */
  pools: number;
  /** PATCHes of tags and maxReplicas on live pools. */
  changes: number;
  /** Deletes of live pools at random moments. */
  deletes: number;
  /** Of the creates, how many are deleted 0–5 s after they were accepted. */
  createThenDeletes: number;
  /** Of the creates, how many ask for a custom flavor that needs approval. */
  custom: number;
  durationMs: number;
}

type Quota = { maxCpu: number; maxMemoryGiB: number; maxPools: number };

/**
 * Runs the storm against the replicas, kills `victim` (SIGKILL) when the reconcile queue shows
 * it holding a pool's lease and starts it again, samples every team's quota throughout, then
 * waits for convergence and checks events. Returns the figures and any problem found.
 */
export async function runStorm(o: {
  api: ReplicaApi;
  db: Knex;
  replicas: Replica[];
  victim: Replica;
  plan: StormPlan;
  teams: string[];
  quota: Quota;
  developer: Caller;
  platform: Caller;
  kube: ClusterClient;
  kinds: RenderedKind[];
  poolLabel: string;
  emulator: GitLabEmulator;
  convergeTimeoutMs?: number;
}) {
  const { api, plan, developer, platform } = o;
  const random = seeded(plan.seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const intents: Intent[] = [];
  const lanes = new PoolLanes();
  const counts: StormCounts = {
    issued: {},
    accepted: {},
    refusedOverQuota: 0,
    resent: 0,
    createThenDelete: 0,
  };
  const problems: string[] = [];
  let stop = false;
  let stopKiller = false;

  // Quota, sampled through the API of every replica in turn while the storm and the
  // convergence run.
  const quotaMax: Record<
    string,
    { cpu: number; memoryGiB: number; pools: number }
  > = {};
  let quotaSamples = 0;
  const sampler = (async () => {
    while (!stop) {
      const res = await api
        .call(platform, 'GET', '/quotas')
        .catch(() => undefined);
      for (const q of res?.body?.items ?? []) {
        if (!o.teams.includes(q.team)) continue;
        quotaSamples += 1;
        const max = (quotaMax[q.team] ??= { cpu: 0, memoryGiB: 0, pools: 0 });
        max.cpu = Math.max(max.cpu, q.used.cpu);
        max.memoryGiB = Math.max(max.memoryGiB, q.used.memoryGiB);
        max.pools = Math.max(max.pools, q.used.pools);
        if (
          q.used.cpu > o.quota.maxCpu ||
          q.used.memoryGiB > o.quota.maxMemoryGiB ||
          q.used.pools > o.quota.maxPools
        )
          problems.push(
            `quota of ${q.team} exceeded: ${JSON.stringify(q.used)}`,
          );
      }
      await sleep(200);
    }
  })();

  // The kill: as soon as the victim holds a lease (a pass is running there), SIGKILL it.
  const killedWhileHolding: string[] = [];
  let restarted: Promise<void> = Promise.resolve();
  const killer = (async () => {
    while (!stopKiller && !killedWhileHolding.length) {
      const held: Array<{ pool_id: string }> = await o
        .db('runners_reconcile_queue')
        .where('lease_owner', 'like', `%:${o.victim.pid}:%`)
        .andWhere('lease_expires_at', '>', new Date())
        .select('pool_id');
      if (held.length) {
        await o.victim.kill();
        killedWhileHolding.push(...held.map(h => h.pool_id));
        restarted = (async () => {
          await sleep(1000);
          o.victim.start();
          await o.victim.ready(
            `Bearer mock-user-token:${JSON.stringify({ sub: developer.ref })}`,
          );
        })();
        return;
      }
      await sleep(50);
    }
  })();

  const live = () => intents.filter(i => !i.deleted && !i.pendingRequest);
  const remove = (intent: Intent, kind: string) =>
    lanes.run(intent.id, async () => {
      if (intent.deleted) return;
      bump(counts.issued, kind);
      const res = await api.call(developer, 'DELETE', `/pools/${intent.id}`);
      // 404: a re-sent delete whose first copy went through.
      if (res.status === 202 || (res.status === 404 && res.resent)) {
        bump(counts.accepted, kind);
        intent.deleted = true;
        intent.deletedAfterMs = Date.now() - intent.createdAt;
      } else
        problems.push(
          `${kind} of ${intent.name}: ${res.status} ${JSON.stringify(
            res.body,
          )}`,
        );
    });

  let thenDeletes = 0;
  const create = async (n: number) => {
    const team = o.teams[n % o.teams.length];
    const custom = n < plan.custom;
    const name = `p${n}`;
    const flavor = custom
      ? { os: 'linux' as const, cpu: 17, memoryGiB: 8, diskGiB: 40 }
      : 'm1.large';
    bump(counts.issued, 'create');
    const res = await api.call(developer, 'POST', '/pools', {
      team,
      name,
      flavor,
      autoscaling: { minReplicas: 1, maxReplicas: custom ? 1 : 2 },
      gitlab: {
        scope: { type: 'group', path: 'engineering/payments' },
        tags: ['docker'],
      },
    });
    if (res.status === 409) {
      counts.refusedOverQuota += 1;
      return;
    }
    if (res.status !== 202) {
      problems.push(
        `create ${name}: ${res.status} ${JSON.stringify(res.body)}`,
      );
      return;
    }
    bump(counts.accepted, 'create');
    const intent: Intent = {
      id: res.body.pool.id,
      team,
      name,
      deleted: false,
      pendingRequest: res.body.request?.id,
      tags: ['docker'],
      maxReplicas: custom ? 1 : 2,
      flavor,
      createdAt: Date.now(),
    };
    intents.push(intent);
    // Over quota, the create waits for the platform team, who does not grant the excess in a
    // storm (granting would exceed the quota the sampler checks): the team withdraws it.
    if (isOverQuota(res.body)) {
      counts.refusedOverQuota += 1;
      await remove(intent, 'over-quota-withdrawn');
      return;
    }
    if (thenDeletes < plan.createThenDeletes && !custom) {
      thenDeletes += 1;
      await sleep(random() * 5000);
      await remove(intent, 'create-then-delete');
    }
  };

  const change = (k: number) => {
    const intent = pick(live());
    if (!intent) return Promise.resolve();
    return lanes.run(intent.id, async () => {
      if (intent.deleted) return;
      const tags = ['docker', `gen${k}`];
      const maxReplicas = random() < 0.5 ? 1 : 2;
      bump(counts.issued, 'change');
      const res = await api.call(developer, 'PATCH', `/pools/${intent.id}`, {
        tags,
        autoscaling: { minReplicas: 1, maxReplicas },
      });
      if (res.status === 202 && isOverQuota(res.body)) {
        // The change waits for approval over quota; the platform team declines it, and the
        // pool keeps running as it was.
        counts.refusedOverQuota += 1;
        const rejected = await api.call(
          platform,
          'POST',
          `/requests/${res.body.request.id}/reject`,
          { reason: 'no quota to grant in a storm' },
        );
        if (
          rejected.status !== 200 &&
          !(rejected.status === 409 && rejected.resent)
        )
          problems.push(
            `reject over-quota change of ${intent.name}: ${
              rejected.status
            } ${JSON.stringify(rejected.body)}`,
          );
      } else if (res.status === 202) {
        bump(counts.accepted, 'change');
        intent.tags = tags;
        intent.maxReplicas = maxReplicas;
      } else if (res.status === 409) counts.refusedOverQuota += 1;
      else
        problems.push(
          `change ${intent.name}: ${res.status} ${JSON.stringify(res.body)}`,
        );
    });
  };

  const approveAll = async () => {
    for (const intent of intents.filter(i => i.pendingRequest && !i.deleted)) {
      await lanes.run(intent.id, async () => {
        if (!intent.pendingRequest) return;
        bump(counts.issued, 'approve');
        const res = await api.call(
          platform,
          'POST',
          `/requests/${intent.pendingRequest}/approve`,
          {},
        );
        if (res.status === 200 || (res.status === 409 && res.resent)) {
          bump(counts.accepted, 'approve');
          intent.pendingRequest = undefined;
        } else if (res.status === 409) counts.refusedOverQuota += 1;
        else
          problems.push(
            `approve ${intent.name}: ${res.status} ${JSON.stringify(res.body)}`,
          );
      });
    }
  };

  // The storm: creates over the first two thirds, changes, deletes and approvals over all of it.
  const startedAt = Date.now();
  const work: Promise<void>[] = [];
  const at = (ms: number, fn: () => Promise<void>) =>
    work.push(
      sleep(ms)
        .then(fn)
        .catch(e => void problems.push(String(e))),
    );
  for (let n = 0; n < plan.pools; n++)
    at((n * plan.durationMs * 2) / 3 / plan.pools, () => create(n));
  for (let k = 0; k < plan.changes; k++)
    at(1500 + random() * plan.durationMs, () => change(k));
  for (let d = 0; d < plan.deletes; d++)
    at(3000 + random() * plan.durationMs, async () => {
      const intent = pick(live());
      if (intent) await remove(intent, 'delete');
    });
  for (let a = 1; a <= 3; a++) at((a * plan.durationMs) / 3, approveAll);
  await Promise.all(work);
  await lanes.settle();
  await approveAll();
  const stormMs = Date.now() - startedAt;

  // Convergence: the victim may have died holding leases, which expire after a minute. It
  // normally dies during the storm; give it a few resync passes more before giving up.
  await Promise.race([killer, sleep(20_000)]);
  stopKiller = true;
  await killer;
  if (!killedWhileHolding.length)
    problems.push('the victim never held a lease; nothing was killed mid-pass');
  await restarted;
  const convergeStart = Date.now();
  const observers = { ...o, teamLabel: 'runner-fleet.io/team' };
  let state = await checkConvergence(intents, observers);
  while (
    state.problems.length &&
    Date.now() - convergeStart < (o.convergeTimeoutMs ?? 120_000)
  ) {
    await sleep(2000);
    state = await checkConvergence(intents, observers);
  }
  const convergedAt = Date.now();
  // Promptness: a change on one replica is acted on at once, whichever replica runs the pass
  // (not after a lease or the resync interval runs out).
  const kickLatencyMs = await Promise.all(
    intents
      .filter(i => !i.deleted)
      .slice(0, 3)
      .map(async (intent, k) => {
        const tags = ['docker', `probe${k}`];
        const t0 = Date.now();
        const res = await api.call(developer, 'PATCH', `/pools/${intent.id}`, {
          tags,
        });
        if (res.status !== 202) {
          problems.push(`probe change of ${intent.name}: ${res.status}`);
          return -1;
        }
        intent.tags = tags;
        while (Date.now() - t0 < 60_000) {
          const pool = (await api.call(developer, 'GET', `/pools/${intent.id}`))
            .body;
          if (pool.observedGeneration >= res.body.pool.generation)
            return Date.now() - t0;
          await sleep(200);
        }
        problems.push(`a change of ${intent.name} was not acted on in 60 s`);
        return Date.now() - t0;
      }),
  );
  stop = true;
  await sampler;
  const events = await checkEvents(o.db, intents);
  const convergedAfterMs = convergedAt - convergeStart;
  counts.resent = api.resent;
  counts.createThenDelete = counts.accepted['create-then-delete'] ?? 0;
  return {
    problems: [...problems, ...state.problems, ...events.problems],
    figures: {
      ...counts,
      intents: intents.length,
      live: intents.filter(i => !i.deleted).length,
      deleted: intents.filter(i => i.deleted).length,
      fastestCreateThenDeleteMs: Math.min(
        ...intents.flatMap(i =>
          i.deletedAfterMs === undefined ? [] : [i.deletedAfterMs],
        ),
      ),
      converged: state.converged,
      runnersLive: state.runnersLive,
      orphans: state.orphans,
      killedWhileHolding,
      victimStarts: o.victim.starts,
      quotaSamples,
      quotaLimit: o.quota,
      quotaMax,
      events: events.events,
      stormMs,
      convergedAfterMs,
      kickLatencyMs,
    },
  };
}

/** Whether a create or change answer waits for approval because it is over quota. */
function isOverQuota(body: { request?: { reasons?: string[] } }): boolean {
  return body.request?.reasons?.includes('over-quota') ?? false;
}
