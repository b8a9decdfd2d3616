import { Config } from '@backstage/config';
import { ClusterPrice } from '@runner-fleet/plugin-runners-common';
import { fail as failAt } from '../config/configValues';

/** Showback prices: one currency, a default per vCPU-hour and GiB-hour, overrides per cluster. */
export interface PricingConfig {
  /** ISO 4217 code, e.g. EUR. */
  currency: string;
  vcpuHour: number;
  gibHour: number;
  /** Overrides by cluster name (a burst cluster in a public cloud usually costs more). */
  clusters: Record<string, { vcpuHour: number; gibHour: number }>;
}

function fail(key: string, message: string): never {
  return failAt(`pricing${key}`, message);
}

function price(
  config: Config,
  prefix: string,
  key: string,
  fallback?: number,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (value === undefined)
    return fail(`${prefix}.${key}`, 'is required (a price per hour)');
  if (!Number.isFinite(value) || value < 0) {
    fail(
      `${prefix}.${key}`,
      `must be a price of at least 0 per hour in the pricing currency, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads `runners.pricing`; undefined when it is not set (showback then reports usage without
 * cost). `clusterNames` are the configured clusters: an override for another name is a typo
 * that would silently price burst like primary, so it is refused.
 */
export function readPricing(
  runners: Config | undefined,
  clusterNames: string[],
): PricingConfig | undefined {
  const config = runners?.getOptionalConfig('pricing');
  if (!config) return undefined;
  const currency = config.getOptionalString('currency');
  if (!currency || !/^[A-Z]{3}$/.test(currency)) {
    fail(
      '.currency',
      `must be an ISO 4217 currency code such as EUR or USD, got '${
        currency ?? ''
      }'`,
    );
  }
  const vcpuHour = price(config, '', 'vcpuHour');
  const gibHour = price(config, '', 'gibHour');
  const overrides = config.getOptionalConfig('clusters');
  const clusters: PricingConfig['clusters'] = {};
  for (const name of overrides?.keys() ?? []) {
    if (clusterNames.length > 0 && !clusterNames.includes(name)) {
      fail(
        `.clusters.${name}`,
        `there is no cluster '${name}' in runners.clusters; use one of: ${clusterNames.join(
          ', ',
        )}`,
      );
    }
    const c = overrides!.getConfig(name);
    clusters[name] = {
      vcpuHour: price(c, `.clusters.${name}`, 'vcpuHour', vcpuHour),
      gibHour: price(c, `.clusters.${name}`, 'gibHour', gibHour),
    };
  }
  return { currency: currency!, vcpuHour, gibHour, clusters };
}

/** The price of each cluster role; history knows primary and burst, not cluster names. */
export function clusterPrices(
  pricing: PricingConfig | undefined,
  clusters: Array<{ name: string; role: 'primary' | 'burst' }>,
): ClusterPrice[] {
  const roles = ['primary', 'burst'] as const;
  return roles.map(role => {
    const cluster = clusters.find(c => c.role === role)?.name ?? role;
    const own = pricing?.clusters[cluster];
    return {
      cluster,
      role,
      vcpuHour: own?.vcpuHour ?? pricing?.vcpuHour ?? 0,
      gibHour: own?.gibHour ?? pricing?.gibHour ?? 0,
    };
  });
}
