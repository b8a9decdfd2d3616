import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';

/** A request function of node:http or node:https. */
type RequestFn = (
  options: RequestOptions,
  callback: (res: IncomingMessage) => void,
) => ClientRequest;

/**
 * Sends one request on a keep-alive agent and resolves with the status and the body text
 * (throws on a transport error or after `timeoutMs`). A request that fails on a reused socket
 * with ECONNRESET (the server closed the idle connection as the request went out) is sent once
 * more on a fresh one, as Node's documentation advises for keep-alive clients.
 */
export function send(
  request: RequestFn,
  options: RequestOptions,
  payload: string | undefined,
  timeoutMs = 60_000,
  retry = true,
): Promise<{ status: number; text: string }> {
  return new Promise((ok, fail) => {
    const req = request(options, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () =>
        ok({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', fail);
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(
        new Error(
          `${options.method} ${options.path}: no answer within ${
            timeoutMs / 1000
          } s`,
        ),
      ),
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (retry && req.reusedSocket && error.code === 'ECONNRESET') {
        ok(send(request, options, payload, timeoutMs, false));
      } else fail(error);
    });
    if (payload) req.write(payload);
    req.end();
  });
}
