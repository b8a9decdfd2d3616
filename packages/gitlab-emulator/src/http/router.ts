import { IncomingHttpHeaders } from 'node:http';
import { EmulatorCore } from '../EmulatorCore';
import { RawParams } from './requestParsing';
import { RouteResponse } from './response';

export type { RouteResponse } from './response';

/** Everything a route sees of a request. */
export interface RequestContext {
  method: string;
  /** The path as received, still percent-encoded. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Query, body and path parameters merged (path wins), as Grape does. */
  raw: RawParams;
  /** Path parameters, percent-decoded. */
  pathParams: Record<string, string>;
  rawBody: Buffer;
  ip: string;
  core: EmulatorCore;
}

/** A route handler. */
export type RouteHandler = (
  ctx: RequestContext,
) => RouteResponse | Promise<RouteResponse>;

/** A method, a path pattern with `:name` segments, and its handler. */
export interface Route {
  method: string;
  pattern: string;
  handler: RouteHandler;
}

/** Matches requests to routes in registration order. */
export class Router {
  readonly #routes: Array<Route & { segments: string[] }> = [];

  add(routes: Route[]): this {
    for (const route of routes) {
      this.#routes.push({ ...route, segments: route.pattern.split('/') });
    }
    return this;
  }

  match(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } | undefined {
    const segments = path.split('/');
    for (const route of this.#routes) {
      if (
        route.method !== method ||
        route.segments.length !== segments.length
      ) {
        continue;
      }
      const params: Record<string, string> = {};
      const ok = route.segments.every((part, i) => {
        if (part.startsWith(':')) {
          if (!segments[i]) return false;
          params[part.slice(1)] = safeDecode(segments[i]);
          return true;
        }
        return part === segments[i];
      });
      if (ok) {
        return { route, params };
      }
    }
    return undefined;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
