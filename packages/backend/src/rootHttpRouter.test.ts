import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  createBackendPlugin,
  coreServices,
} from '@backstage/backend-plugin-api';
import { connect } from 'node:net';
import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import request from 'supertest';
import { limitUrlLength, MAX_URL_LENGTH } from './rootHttpRouter';

/** Sends a raw GET and returns the status line, or how the connection ended. */
function rawGet(server: Server, path: string): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return new Promise(resolve => {
    let data = '';
    const socket = connect(port, '127.0.0.1', () =>
      socket.end(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`),
    );
    socket.on('data', chunk => {
      data += chunk;
    });
    socket.on('error', error =>
      resolve(`error ${(error as { code?: string }).code}`),
    );
    socket.on('close', () => resolve(data.split('\r\n')[0]));
  });
}

describe('oversized URLs and headers', () => {
  let server: Server;

  beforeAll(async () => {
    // A test backend brings its own root router; the limit is mounted on it as a probe.
    const urlLimit = createBackendPlugin({
      pluginId: 'url-limit-probe',
      register(reg) {
        reg.registerInit({
          deps: { rootHttpRouter: coreServices.rootHttpRouter },
          async init({ rootHttpRouter }) {
            rootHttpRouter.use('/probe', limitUrlLength);
          },
        });
      },
    });
    ({ server } = await startTestBackend({
      features: [urlLimit],
    }));
  });

  it(`answers 414 to a URL over ${MAX_URL_LENGTH} characters, naming the limit`, async () => {
    const res = await request(server)
      .get(`/probe/pools/${'a'.repeat(MAX_URL_LENGTH)}`)
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(414);
    expect(res.body.error.message).toMatch(/at most 8192 are accepted$/);
  });

  it('lets a normal URL through', async () => {
    const res = await request(server)
      .get('/probe/pools/does-not-exist')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(404); // past the limit, to the not-found handler
  });

  it('answers 431 (not a reset) to a URL or headers over 16 KB', async () => {
    await expect(
      rawGet(server, `/probe/pools/${'a'.repeat(17 * 1024)}`),
    ).resolves.toBe('HTTP/1.1 431 Request Header Fields Too Large');
    const res = await request(server)
      .get('/probe/flavors')
      .set('X-Big', 'b'.repeat(17 * 1024));
    expect(res.status).toBe(431);
  });
});
