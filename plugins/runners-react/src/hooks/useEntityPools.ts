import {
  DEFAULT_NAMESPACE,
  Entity,
  RELATION_OWNED_BY,
  parseEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  POOLS_ANNOTATION,
  PoolHealth,
  TeamHealth,
} from '@runner-fleet/plugin-runners-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { runnersApiRef } from '../api';

/**
 * Which pools an entity's page shows: those named by the `runner-fleet.io/pools` annotation,
 * else those of the owner team (a Group shows its own pools).
 *
 * @public
 */
export type EntityPoolScope =
  | {
      kind: 'annotation';
      /** Entries of the annotation: `name` or `team/name`. */
      refs: string[];
      /** The owner team, which a bare `name` is looked up in first. */
      team?: string;
    }
  | { kind: 'team'; team: string }
  | { kind: 'none' };

function groupName(ref: string): string | undefined {
  try {
    const parsed = parseEntityRef(ref, {
      defaultKind: 'group',
      defaultNamespace: DEFAULT_NAMESPACE,
    });
    return parsed.kind.toLocaleLowerCase('en-US') === 'group' &&
      parsed.namespace === DEFAULT_NAMESPACE
      ? parsed.name
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The team that owns an entity: a Group itself, else the first owning Group in the default
 * namespace (from relations, falling back to `spec.owner`).
 *
 * @public
 */
export function ownerTeamOf(entity: Entity): string | undefined {
  if (entity.kind.toLocaleLowerCase('en-US') === 'group') {
    return (entity.metadata.namespace ?? DEFAULT_NAMESPACE) ===
      DEFAULT_NAMESPACE
      ? entity.metadata.name
      : undefined;
  }
  for (const relation of entity.relations ?? []) {
    if (relation.type !== RELATION_OWNED_BY) continue;
    const team = groupName(relation.targetRef);
    if (team) return team;
  }
  const owner = entity.spec?.owner;
  return typeof owner === 'string' ? groupName(owner) : undefined;
}

/**
 * Decides which pools an entity's page shows.
 *
 * @public
 */
export function entityPoolScope(entity: Entity): EntityPoolScope {
  const team = ownerTeamOf(entity);
  const annotation = entity.metadata.annotations?.[POOLS_ANNOTATION];
  const refs = (annotation ?? '')
    .split(',')
    .map(r => r.trim())
    .filter(Boolean);
  if (refs.length > 0) return { kind: 'annotation', refs, team };
  return team ? { kind: 'team', team } : { kind: 'none' };
}

/**
 * Resolves annotation entries against the visible pools. A bare `name` matches the owner
 * team's pool of that name, or else every visible pool of that name.
 *
 * @public
 */
export function resolvePoolRefs(
  refs: string[],
  teams: TeamHealth[],
  ownerTeam?: string,
): { pools: PoolHealth[]; missing: string[] } {
  const all = teams.flatMap(t => t.pools);
  const pools: PoolHealth[] = [];
  const missing: string[] = [];
  for (const ref of refs) {
    const slash = ref.indexOf('/');
    const team = slash >= 0 ? ref.slice(0, slash) : undefined;
    const name = slash >= 0 ? ref.slice(slash + 1) : ref;
    const named = all.filter(
      p => p.name === name && (!team || p.team === team),
    );
    const own = named.filter(p => p.team === ownerTeam);
    const found = own.length > 0 ? own : named;
    if (found.length === 0) missing.push(ref);
    for (const pool of found) {
      if (!pools.some(p => p.poolId === pool.poolId)) pools.push(pool);
    }
  }
  return { pools, missing };
}

/**
 * The pools an entity's page shows with their health, and annotation entries that match no
 * visible pool.
 *
 * @public
 */
export function useEntityPools(entity: Entity) {
  const api = useApi(runnersApiRef);
  const scope = entityPoolScope(entity);
  const key = JSON.stringify(scope);
  const state = useAsyncRetry(async () => {
    if (scope.kind === 'none') return { pools: [], missing: [] };
    if (scope.kind === 'team') {
      const teams = await api.listTeamHealth({ team: scope.team });
      return { pools: teams.flatMap(t => t.pools), missing: [] };
    }
    return resolvePoolRefs(scope.refs, await api.listTeamHealth(), scope.team);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);
  return { scope, ...state };
}
