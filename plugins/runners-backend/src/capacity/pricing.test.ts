import { ConfigReader } from '@backstage/config';
import { readRunnersConfig } from '../config';

const read = (runners: Record<string, unknown>) =>
  readRunnersConfig(
    new ConfigReader({
      backend: { baseUrl: 'http://localhost:7007' },
      runners: { scalingMetrics: { token: 't' }, ...runners },
    }),
  );

const clusters = [
  { name: 'local', authProvider: 'inCluster' },
  { name: 'cloud', role: 'burst', authProvider: 'inCluster' },
];

describe('runners.pricing', () => {
  it('is optional: showback then has usage and no cost', () => {
    expect(read({}).pricing).toBeUndefined();
  });

  it('reads defaults and per-cluster overrides, filling an override from the defaults', () => {
    expect(
      read({
        clusters,
        pricing: {
          currency: 'EUR',
          vcpuHour: 0.02,
          gibHour: 0.005,
          clusters: { cloud: { vcpuHour: 0.05 } },
        },
      }).pricing,
    ).toEqual({
      currency: 'EUR',
      vcpuHour: 0.02,
      gibHour: 0.005,
      clusters: { cloud: { vcpuHour: 0.05, gibHour: 0.005 } },
    });
  });

  it.each([
    [
      { currency: 'euro', vcpuHour: 1, gibHour: 1 },
      "Invalid config at 'runners.pricing.currency': must be an ISO 4217 currency code such as EUR or USD, got 'euro'",
    ],
    [
      { currency: 'EUR', gibHour: 1 },
      "Invalid config at 'runners.pricing.vcpuHour': is required (a price per hour)",
    ],
    [
      { currency: 'EUR', vcpuHour: -1, gibHour: 1 },
      "Invalid config at 'runners.pricing.vcpuHour': must be a price of at least 0 per hour in the pricing currency, got -1",
    ],
    [
      {
        currency: 'EUR',
        vcpuHour: 1,
        gibHour: 1,
        clusters: { clod: { vcpuHour: 2 } },
      },
      "Invalid config at 'runners.pricing.clusters.clod': there is no cluster 'clod' in runners.clusters; use one of: local, cloud",
    ],
    [
      {
        currency: 'EUR',
        vcpuHour: 1,
        gibHour: 1,
        clusters: { cloud: { gibHour: -2 } },
      },
      "Invalid config at 'runners.pricing.clusters.cloud.gibHour': must be a price of at least 0 per hour in the pricing currency, got -2",
    ],
  ])('refuses %j and names the key', (pricing, message) => {
    expect(() => read({ clusters, pricing })).toThrow(message);
  });
});
