import { authenticate, requireAdmin } from '../http/auth';
import { ApiError, Json } from '../http/errors';
import { FaultKind, FaultSpec } from '../http/faults';
import { RequestContext, Route, RouteHandler } from '../http/router';
import { JOB_STATUSES } from '../model/types';
import { emulatorSnapshot, jobSnapshot, runnerSnapshot } from './snapshots';
import { ClockState, EnqueueJobsResponse } from './types';

/** Prefix of the emulator's own routes; never part of GitLab's API. */
export const CONTROL_PREFIX = '/-/emulator';

const FAULT_KINDS: FaultKind[] = [
  'rate_limit',
  'app_rate_limit',
  'error',
  'latency',
];

function invalid(message: string): ApiError {
  return new ApiError(400, { message });
}

function optionalNumber(
  body: Record<string, Json | undefined>,
  key: string,
): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(`${key} must be a number`);
  }
  return value;
}

function optionalString(
  body: Record<string, Json | undefined>,
  key: string,
): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${key} must be a string`);
  return value;
}

/** Admin-only: the emulator's control surface is not for ordinary users. */
function admin(handler: RouteHandler): RouteHandler {
  return ctx => {
    requireAdmin(authenticate(ctx));
    return handler(ctx);
  };
}

function clockState(ctx: RequestContext): ClockState {
  return { now: ctx.core.clock.iso(), frozen: ctx.core.clock.frozen };
}

function faultSpec(body: Record<string, Json | undefined>): FaultSpec {
  const kind = optionalString(body, 'kind') as FaultKind | undefined;
  const path = optionalString(body, 'path');
  if (!kind || !FAULT_KINDS.includes(kind)) {
    throw invalid(`kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
  if (!path || !path.startsWith('/')) {
    throw invalid(
      'path must be a path pattern starting with /, e.g. /api/v4/runners/*',
    );
  }
  return {
    kind,
    path,
    method: optionalString(body, 'method'),
    count: optionalNumber(body, 'count'),
    skip: optionalNumber(body, 'skip'),
    latencyMs: optionalNumber(body, 'latencyMs'),
    status: optionalNumber(body, 'status'),
    body: body.body,
    retryAfterSeconds: optionalNumber(body, 'retryAfterSeconds'),
    rateLimitName: optionalString(body, 'rateLimitName'),
    rateLimitLimit: optionalNumber(body, 'rateLimitLimit'),
  };
}

function enqueue(ctx: RequestContext): EnqueueJobsResponse {
  const body = ctx.raw;
  const projectRef = body.project;
  const project =
    typeof projectRef === 'string' || typeof projectRef === 'number'
      ? ctx.core.store.findProject(String(projectRef))
      : undefined;
  if (!project) {
    throw invalid(
      `project '${String(
        projectRef,
      )}' does not exist; give an id or a full path`,
    );
  }
  const username = optionalString(body, 'username') ?? 'root';
  const user = ctx.core.store.findUserByUsername(username);
  if (!user) throw invalid(`user '${username}' does not exist`);
  const tags = body.tags ?? [];
  if (!Array.isArray(tags) || !tags.every(t => typeof t === 'string')) {
    throw invalid('tags must be a list of strings');
  }
  const count = optionalNumber(body, 'count') ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 10000) {
    throw invalid('count must be an integer from 1 to 10000');
  }
  const jobs = ctx.core.jobs.enqueue({
    project,
    userId: user.id,
    count,
    tags: tags as string[],
    name: optionalString(body, 'name') ?? 'build',
    stage: optionalString(body, 'stage') ?? 'test',
    ref: optionalString(body, 'ref') ?? project.defaultBranch,
    durationSeconds: optionalNumber(body, 'durationSeconds') ?? null,
    allowFailure: body.allowFailure === true,
  });
  return {
    pipelineId: jobs[0].pipelineId,
    jobs: jobs.map(j => jobSnapshot(ctx.core, j)),
  };
}

/** The control surface: inspection, job traffic, clock, faults, reset. */
export function controlRoutes(): Route[] {
  const p = CONTROL_PREFIX;
  const route = (
    method: string,
    pattern: string,
    handler: RouteHandler,
  ): Route => ({
    method,
    pattern: `${p}${pattern}`,
    handler: admin(handler),
  });
  return [
    route('GET', '/state', ctx => ({
      status: 200,
      body: emulatorSnapshot(ctx.core),
    })),
    route('GET', '/runners', ctx => ({
      status: 200,
      body: [...ctx.core.store.runners.values()]
        .sort((a, b) => a.id - b.id)
        .map(r => runnerSnapshot(ctx.core, r)),
    })),
    route('GET', '/jobs', ctx => {
      const status = optionalString(ctx.raw, 'status');
      if (status && !(JOB_STATUSES as readonly string[]).includes(status)) {
        throw invalid(`status must be one of ${JOB_STATUSES.join(', ')}`);
      }
      const projectRef = optionalString(ctx.raw, 'project');
      const project = projectRef
        ? ctx.core.store.findProject(projectRef)
        : undefined;
      if (projectRef && !project)
        throw invalid(`project '${projectRef}' does not exist`);
      const runnerId = optionalString(ctx.raw, 'runnerId');
      const jobs = [...ctx.core.store.jobs.values()]
        .filter(j => !status || j.status === status)
        .filter(j => !project || j.projectId === project.id)
        .filter(j => !runnerId || j.runnerId === Number(runnerId))
        .sort((a, b) => a.id - b.id);
      return { status: 200, body: jobs.map(j => jobSnapshot(ctx.core, j)) };
    }),
    route('POST', '/jobs', ctx => ({ status: 201, body: enqueue(ctx) })),
    route('POST', '/jobs/:id/cancel', ctx => {
      const job = ctx.core.store.jobs.get(Number(ctx.pathParams.id));
      if (!job)
        throw new ApiError(404, {
          message: `job ${ctx.pathParams.id} does not exist`,
        });
      ctx.core.jobs.cancel(job);
      return { status: 200, body: jobSnapshot(ctx.core, job) };
    }),
    route('POST', '/reset', ctx => {
      ctx.core.reset();
      return { status: 200, body: emulatorSnapshot(ctx.core) };
    }),
    route('GET', '/clock', ctx => ({
      status: 200,
      body: { ...clockState(ctx) },
    })),
    route('POST', '/clock', ctx => {
      const body = ctx.raw;
      const set = optionalString(body, 'set');
      if (set !== undefined) {
        const at = new Date(set);
        if (Number.isNaN(at.getTime()))
          throw invalid('set must be an ISO 8601 time');
        ctx.core.clock.set(at, { freeze: body.freeze === true });
      }
      const advance =
        (optionalNumber(body, 'advanceMs') ?? 0) +
        (optionalNumber(body, 'advanceSeconds') ?? 0) * 1000;
      if (advance) ctx.core.clock.advance(advance);
      return { status: 200, body: { ...clockState(ctx) } };
    }),
    route('GET', '/faults', ctx => ({
      status: 200,
      body: ctx.core.faults.list(),
    })),
    route('POST', '/faults', ctx => ({
      status: 201,
      body: ctx.core.faults.add(faultSpec(ctx.raw)),
    })),
    route('DELETE', '/faults', ctx => {
      ctx.core.faults.clear();
      return { status: 204 };
    }),
    route('DELETE', '/faults/:id', ctx => {
      if (!ctx.core.faults.remove(Number(ctx.pathParams.id))) {
        throw new ApiError(404, {
          message: `fault ${ctx.pathParams.id} does not exist`,
        });
      }
      return { status: 204 };
    }),
  ];
}
