import { AuthenticationV1Api, KubeConfig } from '@kubernetes/client-node';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, Server } from 'node:net';
import { IDENTITIES } from './credentials';
import { freePorts } from './ports';
import { startControlPlane } from './startControlPlane';
import { processesMentioning } from './__testUtils__/processes';

jest.mock('./ports', () => {
  const actual = jest.requireActual<typeof import('./ports')>('./ports');
  return { freePorts: jest.fn(actual.freePorts) };
});

jest.setTimeout(90_000);

/** A socket holding a port, as another process would between port choice and bind. */
async function occupyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('no port');
  return { port: address.port, server };
}

describe('startControlPlane', () => {
  it('starts a throw-away control plane (retrying when a port is taken meanwhile) whose stop() leaves no process or file behind', async () => {
    // The first choice of ports loses a race: etcd's client port is taken before etcd binds it.
    const busy = await occupyPort();
    const { freePorts: realFreePorts } =
      jest.requireActual<typeof import('./ports')>('./ports');
    jest.mocked(freePorts).mockImplementationOnce(async wanted => {
      const [apiserver, , peer] = await realFreePorts(wanted);
      return [apiserver, busy.port, peer];
    });
    const log: string[] = [];
    const plane = await startControlPlane({
      log: line => log.push(line),
    }).finally(() => busy.server.close());
    expect(log).toContain(
      'a port was taken while starting; retrying with other ports',
    );
    try {
      expect(plane.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(Buffer.from(plane.caData, 'base64').toString()).toContain(
        '-----BEGIN CERTIFICATE-----',
      );
      expect(Object.keys(plane.tokens).sort()).toEqual([...IDENTITIES].sort());
      expect(processesMentioning(plane.dataDir).sort()).toEqual(
        [plane.pids.etcd, plane.pids.apiserver].sort(),
      );

      // A kubeconfig file on disk works like the in-memory one, and is private.
      const dir = mkdtempSync(join(tmpdir(), 'testenv-kubeconfig-'));
      try {
        const file = join(dir, 'alice.kubeconfig');
        plane.writeKubeconfig(file, 'alice');
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const kc = new KubeConfig();
        kc.loadFromFile(file);
        const review = await kc
          .makeApiClient(AuthenticationV1Api)
          .createSelfSubjectReview({ body: {} });
        expect(review.status?.userInfo?.username).toBe('alice');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      await plane.stop();
    }
    expect(processesMentioning(plane.dataDir)).toEqual([]);
    expect(existsSync(plane.dataDir)).toBe(false);
    await expect(plane.stop()).resolves.toBeUndefined();
  });
});
