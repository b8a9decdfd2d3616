import {
  defaultSeed,
  GitLabEmulator,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** The emulator behind a thin front that adds the two namespace lookups it lacks. */
export interface TestGitLab {
  emulator: GitLabEmulator;
  /** Base URL for the provider (the front). */
  url: string;
  stop(): Promise<void>;
}

/** Full path → id, numbered as the emulator numbers its seed: in seed order, from 1. */
function seedIds(): Record<'groups' | 'projects', Map<string, number>> {
  const groups = new Map<string, number>();
  defaultSeed.groups.forEach((g, i) =>
    groups.set(
      (g.parent ? `${g.parent}/${g.path}` : g.path).toLowerCase(),
      i + 1,
    ),
  );
  const projects = new Map<string, number>();
  defaultSeed.projects.forEach((p, i) =>
    projects.set(`${p.group}/${p.path}`.toLowerCase(), i + 1),
  );
  return { groups, projects };
}

const HOP_BY_HOP = new Set([
  'connection',
  'content-length',
  'content-encoding',
  'host',
  'keep-alive',
  'transfer-encoding',
]);

function forwardable(
  headers: Iterable<[string, string]>,
): Record<string, string> {
  return Object.fromEntries(
    [...headers].filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
  );
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function relay(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, forwardable(response.headers.entries()));
  res.end(body);
}

/** GitLab's answer to a route it does not have. */
function isMissingRoute(status: number, text: string): boolean {
  return (
    status === 404 && text.replace(/\s/g, '') === '{"error":"404NotFound"}'
  );
}

/**
 * Answers `GET /groups/:id` or `GET /projects/:id` for an emulator without those routes: asks
 * the emulator for `GET /<kind>/:id/runners` with the caller's token first, so unknown paths,
 * invisible namespaces and bad tokens get the emulator's own 404/401/403, and only then answers
 * `{id, full_path}` with the seed's numbering.
 */
async function lookUpNamespace(
  res: ServerResponse,
  emulator: GitLabEmulator,
  lookup: { kind: 'groups' | 'projects'; encoded: string },
  headers: Record<string, string>,
): Promise<void> {
  const { kind, encoded } = lookup;
  const check = await fetch(
    `${emulator.url}/api/v4/${kind}/${encoded}/runners?per_page=1`,
    { headers },
  );
  if (!check.ok) {
    await relay(res, check);
    return;
  }
  const fullPath = decodeURIComponent(encoded);
  const id = /^\d+$/.test(fullPath)
    ? Number(fullPath)
    : seedIds()[kind].get(fullPath.toLowerCase());
  const key = kind === 'groups' ? 'full_path' : 'path_with_namespace';
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id, [key]: fullPath }));
}

/**
 * Starts the GitLab emulator in-process behind a front that forwards every request unchanged (so
 * fault injection, errors and pagination are the emulator's). Only when the emulator has no
 * `GET /groups/:id` or `GET /projects/:id` route (older emulator builds) does the front answer
 * those itself, with {@link lookUpNamespace}.
 */
export async function startTestGitLab(): Promise<TestGitLab> {
  const emulator = await startGitLabEmulator();
  const server = createServer(async (req, res) => {
    try {
      const body = await readAll(req);
      const headers = forwardable(
        Object.entries(req.headers).map(
          ([k, v]) => [k, String(v)] as [string, string],
        ),
      );
      const response = await fetch(`${emulator.url}${req.url}`, {
        method: req.method,
        headers,
        body: body.length > 0 ? body : undefined,
      });
      const path = (req.url ?? '/').split('?')[0];
      const lookup = /^\/api\/v4\/(groups|projects)\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && lookup && response.status === 404) {
        const text = await response.text();
        if (isMissingRoute(response.status, text)) {
          const kind = lookup[1] === 'groups' ? 'groups' : 'projects';
          await lookUpNamespace(
            res,
            emulator,
            { kind, encoded: lookup[2] },
            headers,
          );
        } else {
          res.writeHead(404, forwardable(response.headers.entries()));
          res.end(text);
        }
        return;
      }
      await relay(res, response);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `test front: ${String(error)}` }));
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    emulator,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await emulator.stop();
    },
  };
}
