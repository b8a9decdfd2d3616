import { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { EmulatorCore } from '../EmulatorCore';
import { ApiError, internalError, routeNotFound } from './errors';
import { faultResponse } from './faults';
import { parseBodyParams, parseQuery, readBody } from './requestParsing';
import { RequestContext, RouteResponse, Router } from './router';

/** Options of {@link createRequestListener}. */
export interface RequestListenerOptions {
  core: EmulatorCore;
  /** GitLab's API routes; faults apply to these. */
  api: Router;
  /** The emulator's control routes; faults never apply to these. */
  control: Router;
  controlPrefix: string;
  /** Called after every request that may have changed state. */
  onMutation: () => void;
  log?: (line: string) => void;
}

/** Anything that looks like a GitLab token, for log lines. */
export function redactTokens(text: string): string {
  return text.replace(/\bgl[a-z]{2,5}-[A-Za-z0-9_-]{6,}/g, '[REDACTED]');
}

function send(res: ServerResponse, response: RouteResponse): void {
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    res.setHeader(name, value);
  }
  if (response.status === 204 || response.body === undefined) {
    res.writeHead(response.status).end();
    return;
  }
  const text =
    response.contentType !== undefined
      ? String(response.body)
      : JSON.stringify(response.body);
  res.setHeader('content-type', response.contentType ?? 'application/json');
  res.writeHead(response.status).end(text);
}

/** The user's token of an API request (`PRIVATE-TOKEN` or OAuth `Bearer`), if any. */
function userTokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers['private-token'];
  if (typeof header === 'string' && header) return header;
  return /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

function errorResponse(error: ApiError): RouteResponse {
  return { status: error.status, body: error.body, headers: error.headers };
}

/**
 * The Node request listener: fault injection for GitLab routes, routing,
 * parameter parsing, GitLab-shaped errors, and request logging without query
 * strings or bodies (which may carry tokens).
 */
export function createRequestListener(options: RequestListenerOptions) {
  const { core, log } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    // Grape ignores a trailing slash; so does the emulator.
    const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
    const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;
    let response: RouteResponse;
    try {
      const rawBody = await readBody(req);
      // GitLab's hourly stuck-jobs worker, played before the request sees the jobs.
      core.jobs.dropStuckRunning();
      const isControl = path.startsWith(`${options.controlPrefix}/`);
      if (!isControl) {
        const throttled = core.throttle.take(
          userTokenOf(req),
          core.clock.now(),
        );
        if (throttled) {
          send(res, throttled);
          log?.(`${method} ${redactTokens(path)} 429 (throttled)`);
          return;
        }
        const fault = core.faults.take(method, path);
        if (fault?.latencyMs) {
          await delay(fault.latencyMs);
        }
        const injected = fault && faultResponse(fault, core.clock.now());
        if (injected) {
          send(res, injected);
          log?.(
            `${method} ${redactTokens(path)} ${injected.status} (injected ${
              fault.kind
            })`,
          );
          return;
        }
      }
      const match = (isControl ? options.control : options.api).match(
        method,
        path,
      );
      if (!match) {
        throw routeNotFound();
      }
      const ctx: RequestContext = {
        method,
        path,
        headers: req.headers,
        raw: {
          ...parseQuery(queryAt === -1 ? '' : url.slice(queryAt + 1)),
          ...parseBodyParams(req.headers['content-type'], rawBody),
          ...match.params,
        },
        pathParams: match.params,
        rawBody,
        ip: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
        core,
      };
      response = await match.route.handler(ctx);
    } catch (error) {
      if (error instanceof ApiError) {
        response = errorResponse(error);
      } else {
        const message = error instanceof Error ? error.message : String(error);
        log?.(
          `internal error on ${method} ${redactTokens(path)}: ${redactTokens(
            message,
          )}`,
        );
        response = errorResponse(internalError());
      }
    }
    if (method !== 'GET' && method !== 'HEAD') {
      options.onMutation();
    }
    send(res, response);
    log?.(
      `${method} ${redactTokens(path)} ${response.status} ${
        Date.now() - started
      }ms`,
    );
  };
}
