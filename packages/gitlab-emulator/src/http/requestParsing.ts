import { IncomingMessage } from 'node:http';
import { ApiError, Json } from './errors';

/** Request parameters: query, body and path merged, as Grape sees them. */
export type RawParams = { [key: string]: Json | undefined };

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Reads the whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(413, { message: '413 Request Entity Too Large' });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function setNested(target: RawParams, key: string, value: string): void {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) {
    target[key] = value;
    return;
  }
  const parts = [...match[2].matchAll(/\[([^[\]]*)\]/g)].map(m => m[1]);
  let container: RawParams = target;
  let name = match[1];
  for (const part of parts) {
    if (part === '') {
      const list = Array.isArray(container[name])
        ? (container[name] as Json[])
        : [];
      container[name] = list;
      list.push(value);
      return;
    }
    const existing = container[name];
    const next: RawParams =
      existing && typeof existing === 'object' && !Array.isArray(existing)
        ? (existing as RawParams)
        : {};
    container[name] = next;
    container = next;
    name = part;
  }
  container[name] = value;
}

/**
 * Parses a query string the way Rack does: `a[]=x&a[]=y` is a list,
 * `a[b]=c` a hash, and a repeated plain key keeps its last value.
 */
export function parseQuery(search: string): RawParams {
  const params: RawParams = {};
  const text = search.startsWith('?') ? search.slice(1) : search;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    setNested(params, decode(rawKey), decode(rawValue));
  }
  return params;
}

/** Parses a JSON or form body into parameters; other bodies give none. */
export function parseBodyParams(
  contentType: string | undefined,
  body: Buffer,
): RawParams {
  if (body.length === 0) {
    return {};
  }
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ApiError(400, {
        error: 'message body does not match declared format',
      });
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as RawParams;
    }
    return {};
  }
  if (type === 'application/x-www-form-urlencoded') {
    return parseQuery(body.toString('utf8'));
  }
  return {};
}
