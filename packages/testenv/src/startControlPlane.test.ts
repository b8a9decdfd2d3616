import { AuthenticationV1Api, KubeConfig } from '@kubernetes/client-node';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDENTITIES } from './credentials';
import { startControlPlane } from './startControlPlane';
import { processesMentioning } from './__testUtils__/processes';

jest.setTimeout(90_000);

describe('startControlPlane', () => {
  it('starts a throw-away control plane whose stop() leaves no process or file behind', async () => {
    const plane = await startControlPlane();
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
