import { Server } from 'node:http';

/** One route a plugin serves. */
export interface Route {
  /** `ANY`: a handler mounted on a path prefix that serves every method below it. */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';
  /** Express path, e.g. `/api/catalog/entities/by-name/:kind/:namespace/:name`. */
  path: string;
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[]; _router?: { stack: Layer[] } };
  regexp?: RegExp & { fast_slash?: boolean };
  keys?: Array<{ name: string | number }>;
}

/** Placeholder for a path parameter while the source is unescaped. */
const PARAM = '\u0000param\u0000';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Turns the regexp Express 4 compiled for `router.use(path, ...)` back into the path. */
function mountPath(layer: Layer): string {
  const regexp = layer.regexp;
  if (!regexp || regexp.fast_slash) return '';
  const keys = [...(layer.keys ?? [])];
  const param = () => `:${keys.shift()?.name ?? 'param'}`;
  return regexp.source
    .replace(/^\^/, '')
    .replace(/\\\/\?\(\?=\\\/\|\$\)$/, '')
    .split('\\/')
    .join('/')
    .split('\\.')
    .join('.')
    .split('(?:/([^/]+?))')
    .join(`/${PARAM}`)
    .split('(?:([^/]+?))')
    .join(PARAM)
    .replace(new RegExp(PARAM, 'g'), param);
}

function walk(stack: Layer[], prefix: string, out: Route[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path)
        ? layer.route.path
        : [layer.route.path];
      for (const path of paths) {
        if (typeof path !== 'string') continue;
        for (const method of Object.keys(layer.route.methods)) {
          const upper = method.toUpperCase();
          if (METHODS.has(upper)) {
            out.push({
              method: upper as Route['method'],
              path: `${prefix}${path}`,
            });
          }
        }
      }
    } else if (layer.handle?.stack) {
      walk(layer.handle.stack, `${prefix}${mountPath(layer)}`, out);
    } else if (layer.handle?._router) {
      // A whole Express app mounted as a handler (the scaffolder does this).
      walk(layer.handle._router.stack, `${prefix}${mountPath(layer)}`, out);
    } else if (mountPath(layer)) {
      // A handler mounted on a path that takes every method below it (e.g. a proxy).
      out.push({ method: 'ANY', path: `${prefix}${mountPath(layer)}/*` });
    }
  }
}

/**
 * Every route registered in the running backend behind `server`, read from Express's own
 * router stacks, so a route a plugin adds is in the matrix without anyone listing it.
 */
export function listRoutes(server: Server): Route[] {
  const app = server.listeners('request')[0] as unknown as {
    _router?: { stack: Layer[] };
  };
  if (!app?._router) {
    throw new Error(
      'the server has no Express app with a router (Express 4 expected)',
    );
  }
  const routes: Route[] = [];
  walk(app._router.stack, '', routes);
  const seen = new Set<string>();
  return routes.filter(r => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
