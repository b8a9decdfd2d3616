import {
  resetTokenEntity,
  runnerRegistrationEntity,
} from '../entities/runners';
import { forbidden, notFound } from '../http/errors';
import { declareParams, Params, ParamSpec } from '../http/params';
import { RequestContext, Route } from '../http/router';
import { RunnerInfo } from '../model/RunnerService';
import { RunnerRecord } from '../model/types';
import {
  API,
  authenticateRunner,
  checkUnmodifiedSince,
  clientIp,
} from './helpers';

const TOKEN: ParamSpec = { name: 'token', type: 'string', required: true };

/** `info` as a runner sends it; unknown keys are ignored. */
export function runnerInfo(params: Params): RunnerInfo | undefined {
  const info = params.hash('info');
  if (!info) return undefined;
  const text = (key: string) =>
    typeof info[key] === 'string' ? (info[key] as string) : undefined;
  return {
    version: text('version'),
    revision: text('revision'),
    platform: text('platform'),
    architecture: text('architecture'),
    executor: text('executor'),
  };
}

/**
 * `authenticate_runner!` with `ensure_runner_manager`: heartbeats the runner
 * and creates or refreshes the manager for `system_id` (`<legacy>` if absent).
 */
export function authenticateRunnerWithManager(
  ctx: RequestContext,
  params: Params,
) {
  const runner = authenticateRunner(ctx);
  const manager = ctx.core.runners.heartbeatManager(
    runner,
    params.string('system_id'),
    runnerInfo(params),
    clientIp(ctx),
  );
  return { runner, manager };
}

function deleteRunner(ctx: RequestContext, runner: RunnerRecord): void {
  checkUnmodifiedSince(ctx, runner.updatedAt);
  ctx.core.store.deleteRunner(runner.id);
}

/** The runner-token endpoints of `API::Ci::Runner` (what gitlab-runner calls). */
export function runnerApiRoutes(): Route[] {
  return [
    {
      // Legacy registration with a registration token. The emulator has no
      // registration tokens, so every token is invalid.
      method: 'POST',
      pattern: `${API}/runners`,
      handler: ctx => {
        declareParams(ctx.raw, { params: [TOKEN] });
        throw forbidden('invalid token supplied');
      },
    },
    {
      method: 'DELETE',
      pattern: `${API}/runners`,
      handler: ctx => {
        declareParams(ctx.raw, { params: [TOKEN] });
        deleteRunner(ctx, authenticateRunner(ctx));
        return { status: 204 };
      },
    },
    {
      method: 'DELETE',
      pattern: `${API}/runners/managers`,
      handler: ctx => {
        const params = declareParams(ctx.raw, {
          params: [
            TOKEN,
            { name: 'system_id', type: 'string', required: true },
          ],
        });
        const runner = authenticateRunner(ctx);
        const manager = ctx.core.store
          .managersOf(runner.id)
          .find(m => m.systemId === params.string('system_id'));
        if (!manager) {
          throw notFound('Runner manager not found');
        }
        checkUnmodifiedSince(ctx, manager.updatedAt);
        ctx.core.store.runnerManagers.delete(manager.id);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: `${API}/runners/verify`,
      handler: ctx => {
        const params = declareParams(ctx.raw, {
          params: [TOKEN, { name: 'system_id', type: 'string' }],
        });
        const { runner } = authenticateRunnerWithManager(ctx, params);
        return { status: 200, body: runnerRegistrationEntity(runner) };
      },
    },
    {
      method: 'POST',
      pattern: `${API}/runners/reset_authentication_token`,
      handler: ctx => {
        const params = declareParams(ctx.raw, { params: [TOKEN] });
        const { runner } = authenticateRunnerWithManager(ctx, params);
        ctx.core.runners.resetToken(runner);
        return { status: 201, body: resetTokenEntity(runner) };
      },
    },
  ];
}
