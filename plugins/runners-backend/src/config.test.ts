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

describe('config errors name the key and what to do', () => {
  type AppConfig = ConstructorParameters<typeof ConfigReader>[0];
  const read = (runners: NonNullable<AppConfig>[string]) =>
    readRunnersConfig(
      new ConfigReader({
        backend: { baseUrl: 'http://localhost:7007' },
        runners,
      }),
    );

  it('refuses to start without the KEDA token once a cluster is configured', () => {
    expect(() => read({ clusters: [primary] })).toThrow(
      "Invalid config at 'runners.scalingMetrics.token': is required when runners.clusters is set",
    );
    expect(read({}).scalingMetrics.token).toBeUndefined();
  });

  it('refuses 0 where 0 would break the product, and accepts a quota of 0', () => {
    expect(() => read({ reconciler: { intervalSeconds: 0 } })).toThrow(
      "Invalid config at 'runners.reconciler.intervalSeconds': must be a whole number of 1 or more, got 0",
    );
    expect(() =>
      read({
        gitlab: { baseUrl: 'http://g', token: 't', requestsPerMinute: 0 },
      }),
    ).toThrow("'runners.gitlab.requestsPerMinute'");
    expect(
      read({ quotas: { teams: { interns: { maxPools: 0 } } } }).quotas.teams
        .interns.maxPools,
    ).toBe(0);
  });
});
