import { randomBytes } from 'node:crypto';
import { jobRequestEntity } from '../entities/jobRequest';
import { ApiError, forbidden } from '../http/errors';
import { declareParams } from '../http/params';
import { RequestContext, Route } from '../http/router';
import { JobRecord } from '../model/types';
import { API, clientIp } from './helpers';
import { authenticateRunnerWithManager } from './runnerApi';

/** How often GitLab asks runners to send trace updates, in seconds. */
const TRACE_UPDATE_INTERVAL = '30';

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `authenticate_job!(heartbeat_runner: true)`: the job of the URL, its token
 * (body/query `token` or `JOB-TOKEN` header), and a job that is still on a
 * runner; otherwise 403 (with `Job-Status` when the job has finished).
 */
function authenticateJob(ctx: RequestContext, id: number): JobRecord {
  const job = ctx.core.store.jobs.get(id);
  const param = ctx.raw.token;
  const token =
    typeof param === 'string' ? param : single(ctx.headers['job-token']);
  if (!job || !job.token || job.token !== token) {
    throw forbidden();
  }
  if (!ctx.core.jobs.isExecuting(job)) {
    throw new ApiError(
      403,
      { message: '403 Forbidden - Job is not processing on runner' },
      { 'job-status': job.status },
    );
  }
  const runner =
    job.runnerId === null
      ? undefined
      : ctx.core.store.runners.get(job.runnerId);
  if (runner) ctx.core.runners.heartbeat(runner);
  const manager =
    job.runnerManagerId === null
      ? undefined
      : ctx.core.store.runnerManagers.get(job.runnerManagerId);
  if (manager) {
    manager.contactedAt = ctx.core.clock.iso();
    manager.ipAddress = clientIp(ctx) ?? manager.ipAddress;
  }
  return job;
}

/** The job endpoints of `API::Ci::Runner`: request, update, trace. */
export function jobsApiRoutes(): Route[] {
  return [
    {
      method: 'POST',
      pattern: `${API}/jobs/request`,
      handler: ctx => {
        const params = declareParams(ctx.raw, {
          params: [
            { name: 'token', type: 'string', required: true },
            { name: 'system_id', type: 'string' },
            { name: 'last_update', type: 'string' },
            { name: 'info', type: 'hash' },
            { name: 'session', type: 'hash' },
          ],
        });
        const { runner, manager } = authenticateRunnerWithManager(ctx, params);
        const lastUpdate = randomBytes(16).toString('hex');
        const job = runner.active
          ? ctx.core.jobs.pick(runner, manager)
          : undefined;
        if (!job) {
          return {
            status: 204,
            headers: { 'x-gitlab-last-update': lastUpdate },
          };
        }
        return { status: 201, body: jobRequestEntity(ctx.core, job, runner) };
      },
    },
    {
      method: 'PUT',
      pattern: `${API}/jobs/:id`,
      handler: ctx => {
        const params = declareParams(ctx.raw, {
          params: [
            { name: 'token', type: 'string', required: true },
            { name: 'id', type: 'integer', required: true },
            { name: 'state', type: 'string' },
            { name: 'checksum', type: 'string' },
            { name: 'failure_reason', type: 'string' },
            { name: 'output', type: 'hash' },
            { name: 'exit_code', type: 'integer' },
          ],
        });
        const job = authenticateJob(ctx, params.int('id')!);
        const status = ctx.core.jobs.updateState(
          job,
          params.string('state') ?? '',
          params.string('failure_reason'),
          params.int('exit_code'),
        );
        return {
          status,
          contentType: 'text/plain',
          body: String(status),
          headers: {
            'job-status': job.status,
            'x-gitlab-trace-update-interval': TRACE_UPDATE_INTERVAL,
          },
        };
      },
    },
    {
      method: 'PATCH',
      pattern: `${API}/jobs/:id/trace`,
      handler: ctx => {
        const params = declareParams(ctx.raw, {
          params: [
            { name: 'id', type: 'integer', required: true },
            { name: 'token', type: 'string' },
            { name: 'debug_trace', type: 'boolean' },
          ],
        });
        const job = authenticateJob(ctx, params.int('id')!);
        const range = single(ctx.headers['content-range']);
        if (range === undefined) {
          throw new ApiError(400, {
            error: '400 Missing header Content-Range',
          });
        }
        const size = Buffer.byteLength(job.trace);
        const start = Number(/^(\d+)-\d+$/.exec(range)?.[1] ?? NaN);
        if (start !== size) {
          throw new ApiError(
            416,
            { error: '416 Range Not Satisfiable' },
            { range: `0-${size}` },
          );
        }
        job.trace += ctx.rawBody.toString('utf8');
        return {
          status: 202,
          headers: {
            'job-status': job.status,
            range: `0-${Buffer.byteLength(job.trace)}`,
            'x-gitlab-trace-update-interval': TRACE_UPDATE_INTERVAL,
          },
        };
      },
    },
  ];
}
