import { ConfigReader } from '@backstage/config';
import { renderPool } from './provisioning/render';
import { exampleRenderInput, findObject } from './provisioning/render/testing';
import { poolScalingUrl, readRunnersConfig } from './config';

function config(clusters: Array<Record<string, string>>) {
  return readRunnersConfig(
    new ConfigReader({
      backend: { baseUrl: 'http://localhost:7007' },
      runners: {
        clusters,
        scalingMetrics: {
          baseUrl: 'https://runners.internal.example.com',
          token: 'keda-token-0123456789',
        },
      },
    }),
  );
}

const primary = { name: 'onprem', authProvider: 'inCluster' };
const burst = {
  name: 'cloud',
  role: 'burst',
  authProvider: 'inCluster',
  scalingUrl: 'https://runners.example.com/',
};

describe('per-cluster scaling URL', () => {
  const parsed = config([primary, burst]);

  it("gives the burst cluster's ScaledObject its own URL and the primary the default", () => {
    const poolId = '3f2b8c1e-9d4a-4e7b-8a61-0c5d2e7f9a10';
    const urlFor = (cluster: string, role: 'primary' | 'burst') => {
      const input = exampleRenderInput({
        cluster: { name: cluster, role },
      });
      input.pool.spec.autoscaling.burst = true;
      input.scaling.metricsUrl = poolScalingUrl(parsed, cluster, poolId);
      const scaledObject = findObject(
        renderPool(input),
        'ScaledObject',
        role === 'burst' ? 'rf-builds-burst' : 'rf-builds',
      ) as unknown as {
        spec: { triggers: Array<{ metadata: { url?: string } }> };
      };
      const urls = scaledObject.spec.triggers.map(t => t.metadata.url);
      expect(urls.length).toBeGreaterThan(0);
      return urls;
    };
    for (const url of urlFor('cloud', 'burst')) {
      expect(url).toBe(
        `https://runners.example.com/api/runners/scaling/pools/${poolId}`,
      );
    }
    for (const url of urlFor('onprem', 'primary')) {
      expect(url).toBe(
        `https://runners.internal.example.com/api/runners/scaling/pools/${poolId}`,
      );
    }
  });

  it('rejects a scalingUrl that is not an http(s) URL, naming the key', () => {
    expect(() =>
      config([primary, { ...burst, scalingUrl: 'runners.example.com' }]),
    ).toThrow(/clusters\[1\]\.scalingUrl/);
  });
});
