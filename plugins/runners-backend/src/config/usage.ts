import { Config } from '@backstage/config';
import { fail, optionalInt } from './configValues';

/**
 * Where CPU and memory use of the runner VMs comes from (`runners.usage`): a Prometheus that
 * scrapes KubeVirt's virt-handler. Without it flavor advice stays silent.
 *
 * @public
 */
export interface UsageConfig {
  prometheus: {
    /** Base URL of the Prometheus HTTP API, without a trailing slash. */
    url: string;
    /** Seconds between the samples of a range query. */
    stepSeconds: number;
    /** Window of `rate()` over the CPU-time counter, seconds. */
    rateWindowSeconds: number;
  };
}

/** Reads `runners.usage`; undefined when no usage source is configured. */
export function readUsage(config: Config | undefined): UsageConfig | undefined {
  const prometheus = config?.getOptionalConfig('usage.prometheus');
  if (!prometheus) return undefined;
  const url = prometheus.getString('url').replace(/\/+$/, '');
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
    fail(
      'usage.prometheus.url',
      `must be the http(s) base URL of a Prometheus HTTP API, e.g. http://prometheus:9090, got '${url}'`,
    );
  }
  const p = 'usage.prometheus.';
  const stepSeconds = optionalInt(prometheus, 'stepSeconds', 60, p);
  const rateWindowSeconds = optionalInt(
    prometheus,
    'rateWindowSeconds',
    120,
    p,
  );
  return { prometheus: { url, stepSeconds, rateWindowSeconds } };
}
