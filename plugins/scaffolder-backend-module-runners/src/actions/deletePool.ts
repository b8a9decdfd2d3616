import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { Pool } from '@runner-fleet/plugin-runners-common';
import { RunnersService } from '@runner-fleet/plugin-runners-node';
import { callApi } from './apiErrors';
import { examples } from './deletePool.examples';
import { teamName } from './poolSpec';

/**
 * Creates the `runners:pool:delete` action: tears a pool down (VMs, scalers, secrets, GitLab
 * runner) on behalf of the user who runs the template.
 *
 * @public
 */
export function createRunnersPoolDeleteAction(options: {
  runners: RunnersService;
}) {
  const { runners } = options;

  async function findPool(
    input: { poolId?: string; team?: string; name?: string },
    credentials: BackstageCredentials,
  ): Promise<Pool> {
    if (input.poolId) {
      const { poolId } = input;
      return callApi(`could not read pool ${poolId}`, () =>
        runners.getPool(poolId, { credentials }),
      );
    }
    if (!input.team || !input.name) {
      throw new InputError(
        'poolId: give the pool id, or the team and the name of the pool',
      );
    }
    const team = teamName(input.team);
    const { name } = input;
    const pool = await callApi(`could not look up pool ${team}/${name}`, () =>
      runners.findPool(team, name, { credentials }),
    );
    if (!pool) {
      throw new NotFoundError(`team '${team}' has no pool named '${name}'`);
    }
    return pool;
  }

  return createTemplateAction({
    id: 'runners:pool:delete',
    description:
      'Deletes a runner pool: its VMs, scalers, secrets and GitLab runner are removed in the background.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        poolId: z =>
          z
            .string({ description: 'The pool id (or give team and name)' })
            .optional(),
        team: z =>
          z
            .string({
              description:
                "The pool's team: a Group name or ref, with name instead of poolId",
            })
            .optional(),
        name: z =>
          z.string({ description: "The pool's name, with team" }).optional(),
      },
      output: {
        poolId: z => z.string({ description: 'The pool id' }),
        state: z =>
          z.string({ description: "'deleting' while the pool is removed" }),
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      if (ctx.isDryRun) {
        const pool = await findPool(ctx.input, credentials);
        ctx.logger.info(
          `Dry run: would delete pool ${pool.team}/${pool.name} (${pool.id}), now ${pool.state}. Nothing was deleted.`,
        );
        ctx.output('poolId', pool.id);
        ctx.output('state', pool.state);
        return;
      }
      const deleted = await ctx.checkpoint({
        key: 'delete-pool',
        fn: async () => {
          const pool = await findPool(ctx.input, credentials);
          const result = await callApi(
            `could not delete pool ${pool.team}/${pool.name}`,
            () => runners.deletePool(pool.id, { credentials }),
          );
          return {
            poolId: result.id,
            state: result.state,
            summary: `pool ${result.team}/${result.name} is ${result.state}: ${result.stateReason}`,
          };
        },
      });
      ctx.logger.info(deleted.summary);
      ctx.output('poolId', deleted.poolId);
      ctx.output('state', deleted.state);
    },
  });
}
