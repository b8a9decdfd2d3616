import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { RESOURCE_TYPE_RUNNERS_POOL } from '@runner-fleet/plugin-runners-common';
import { z } from 'zod';

/** What permission rules see of a pool. */
export interface RunnersPoolResource {
  id: string;
  team: string;
}

/** Filter the store understands: pools of these teams. */
export interface RunnersPoolQuery {
  teams: string[];
}

/**
 * The runner pool resource in the permission framework.
 *
 * @public
 */
export const runnersPoolResourceRef = createPermissionResourceRef<
  RunnersPoolResource,
  RunnersPoolQuery
>().with({ pluginId: 'runners', resourceType: RESOURCE_TYPE_RUNNERS_POOL });

/** `group:default/payments` → `payments`; other refs → undefined. */
export function teamOfGroupRef(ref: string): string | undefined {
  const match = /^group:default\/(.+)$/.exec(ref.toLocaleLowerCase('en-US'));
  return match?.[1];
}

/**
 * Allows pools whose team is one of the given ownership claims (a user's groups).
 *
 * @public
 */
export const isTeamMember = createPermissionRule({
  name: 'IS_TEAM_MEMBER',
  description: 'Allow pools owned by a team the user belongs to',
  resourceRef: runnersPoolResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe(
        'Ownership entity refs of the user, e.g. group:default/payments',
      ),
  }),
  apply: (pool, { claims }) =>
    claims.some(claim => teamOfGroupRef(claim) === pool.team),
  toQuery: ({ claims }) => ({
    teams: claims.flatMap(claim => teamOfGroupRef(claim) ?? []),
  }),
});

/** Every rule of the runner pool resource. @public */
export const runnersPoolPermissionRules = { isTeamMember };

const conditionExports = createConditionExports({
  pluginId: 'runners',
  resourceType: RESOURCE_TYPE_RUNNERS_POOL,
  rules: runnersPoolPermissionRules,
});

/** Conditions for runner pool permissions, for permission policies. @public */
export const runnersPoolConditions = conditionExports.conditions;

/** Builds a conditional decision for a runner pool permission. @public */
export const createRunnersPoolConditionalDecision =
  conditionExports.createConditionalDecision;
