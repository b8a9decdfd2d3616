import { Agent, request } from 'node:https';

/** An HTTP response of the API server, body as text. */
export interface ApiResponse {
  status: number;
  body: string;
}

/**
 * A minimal HTTPS client for bootstrapping the control plane (readiness, CRDs): raw bodies, no
 * discovery, no YAML parsing, so the 700 KiB CRDs go to the server as they are on disk.
 */
export class ApiServerClient {
  readonly #server: string;
  readonly #token: string;
  readonly #agent: Agent;

  static create(options: {
    server: string;
    caPem: string;
    token: string;
  }): ApiServerClient {
    return new ApiServerClient(options);
  }

  private constructor(options: {
    server: string;
    caPem: string;
    token: string;
  }) {
    this.#server = options.server;
    this.#token = options.token;
    this.#agent = new Agent({ ca: options.caPem, keepAlive: true });
  }

  /** Sends one request; rejects only on network errors, not on HTTP status codes. */
  request(
    method: string,
    path: string,
    body?: { text: string; contentType: string },
  ): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.#server),
        {
          method,
          agent: this.#agent,
          headers: {
            authorization: `Bearer ${this.#token}`,
            accept: 'application/json',
            ...(body ? { 'content-type': body.contentType } : {}),
          },
          timeout: 30_000,
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`${method} ${path} timed out`)),
      );
      req.on('error', reject);
      req.end(body?.text);
    });
  }

  /** Like {@link ApiServerClient.request}, but throws unless the status is in `expected`. */
  async expect(
    expected: number[],
    method: string,
    path: string,
    body?: { text: string; contentType: string },
  ): Promise<ApiResponse> {
    const res = await this.request(method, path, body);
    if (!expected.includes(res.status)) {
      throw new Error(
        `${method} ${path}: HTTP ${res.status}: ${res.body.slice(0, 2000)}`,
      );
    }
    return res;
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.#agent.destroy();
  }
}
