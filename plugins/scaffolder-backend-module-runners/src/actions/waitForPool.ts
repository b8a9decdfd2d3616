import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { Pool, PoolState } from '@runner-fleet/plugin-runners-common';
import { RunnersService } from '@runner-fleet/plugin-runners-node';
import { callApi } from './apiErrors';
import { sleep } from './sleep';
import { openWaitWindow } from './waitWindow';
import { examples } from './waitForPool.examples';

const DEFAULT_TIMEOUT_SECONDS = 900;
const DEFAULT_POLL_SECONDS = 10;
/** Says "still waiting" this often when nothing changes, so a long wait does not look stuck. */
const HEARTBEAT_MS = 120_000;

/** States after which the pool will not become ready. */
const FAILED: PoolState[] = ['failed', 'rejected', 'deleting', 'deleted'];

function poolName(pool: Pool) {
  return `pool ${pool.team}/${pool.name}`;
}

function duration(ms: number) {
  if (ms < 10_000) return `${Number((ms / 1000).toPrecision(2))} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** Input of `runners:pool:wait` (declared, so the API report is the same everywhere). @public */
export type RunnersPoolWaitInput = {
  poolId: string;
  timeoutSeconds?: number;
  pollSeconds?: number;
};

/**
 * Creates the `runners:pool:wait` action: waits until a pool is ready, on behalf of the user
 * who runs the template. Fails with the pool's reason when it fails, is rejected or deleted,
 * and when the timeout passes. A resumed task keeps its deadline.
 *
 * @public
 */
export function createRunnersPoolWaitAction(options: {
  runners: RunnersService;
}): TemplateAction<
  RunnersPoolWaitInput,
  { state: string; stateReason: string; stateCode: string },
  'v2'
> {
  const { runners } = options;
  return createTemplateAction({
    id: 'runners:pool:wait',
    description:
      'Waits until a runner pool is ready; fails with the reason when it fails or is rejected, ' +
      'or when the timeout passes. Waits through pending approval.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        poolId: z => z.string({ description: 'The pool to wait for' }),
        timeoutSeconds: z =>
          z
            .number({
              description: `How long to wait at most (default ${DEFAULT_TIMEOUT_SECONDS})`,
            })
            .positive()
            .optional(),
        pollSeconds: z =>
          z
            .number({
              description: `How often to look (default ${DEFAULT_POLL_SECONDS})`,
            })
            .positive()
            .optional(),
      },
      output: {
        state: z =>
          z.string({ description: "'ready' (or 'degraded': up, not healthy)" }),
        stateReason: z =>
          z.string({ description: 'Why the pool is in its state' }),
        stateCode: z =>
          z.string({
            description:
              "Why, as a code to branch on (e.g. 'Ready', 'BelowMinimum')",
          }),
      },
    },
    async handler(ctx) {
      const { poolId } = ctx.input;
      const timeoutMs =
        (ctx.input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
      const pollMs = (ctx.input.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1000;
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would wait up to ${duration(
            timeoutMs,
          )} for pool ${poolId} to become ready`,
        );
        return;
      }

      const credentials = await ctx.getInitiatorCredentials();
      const window = await openWaitWindow(ctx.checkpoint, timeoutMs);
      let last = '';
      let lastLogAt = 0;
      for (;;) {
        const pool = await callApi(`could not read pool ${poolId}`, () =>
          runners.getPool(poolId, { credentials }),
        );
        const now = Date.now();
        const status = `${pool.state}: ${pool.stateReason}`;
        if (status !== last || now - lastLogAt >= HEARTBEAT_MS) {
          const waited = duration(now - window.startedAt);
          ctx.logger.info(
            pool.state === 'pending-approval'
              ? `${poolName(pool)} waits for the platform team to approve it (${
                  pool.stateReason
                }); waited ${waited}`
              : `${poolName(pool)} is ${status} (waited ${waited})`,
          );
          last = status;
          lastLogAt = now;
        }

        if (pool.state === 'ready' || pool.state === 'degraded') {
          if (pool.state === 'degraded') {
            ctx.logger.warn(
              `${poolName(pool)} is up but degraded: ${pool.stateReason}`,
            );
          }
          ctx.output('state', pool.state);
          ctx.output('stateReason', pool.stateReason);
          ctx.output('stateCode', pool.stateCode);
          return;
        }
        if (FAILED.includes(pool.state)) {
          throw new Error(
            `${poolName(pool)} is ${pool.state}: ${pool.stateReason}`,
          );
        }
        if (now >= window.deadline) {
          await window.close();
          throw new Error(
            `${poolName(pool)} did not become ready within ${duration(
              timeoutMs,
            )}; it is ${status}. Follow it on its page, or retry this task to wait again.`,
          );
        }
        await sleep(Math.min(pollMs, window.deadline - now), ctx.signal);
      }
    },
  });
}
