import { useTestCluster } from '@runner-fleet/testenv/jest';
import tls from 'node:tls';
import { KubernetesClusterClient } from './ClusterClient';

const cluster = useTestCluster();

describe('KubernetesClusterClient', () => {
  it('reuses its TLS connections across requests instead of a handshake per call', async () => {
    const client = KubernetesClusterClient.create({
      name: 'local',
      role: 'primary',
      kubeConfig: cluster.kubeConfig('admin'),
    });
    const connect = jest.spyOn(tls, 'connect');
    try {
      for (let i = 0; i < 10; i++) {
        await client.get({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { namespace: 'default', name: `absent-${i}` },
        });
      }
      // client-node alone opens one connection per request: ten here.
      expect(connect.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      connect.mockRestore();
    }
  });
});
